import { describe, expect, it } from 'vitest';
import { type LogEntry, eventKind, eventSubjects, matchesFilter } from '../src/app/event-filter.js';

const entry = (event: Record<string, unknown>): LogEntry => ({ seq: 0, at: 0, node: undefined, event });
const established = entry({
  event: 'connection_established',
  id_point: { addr: '::ffff:127.0.0.1', port: 9732 },
  peer_id: 'idtAAAA',
});
const newPoint = entry({ event: 'new_point', point: '127.0.0.2:9732' });

describe('event filters', () => {
  it('reads the kind and every peer or point an event names', () => {
    expect(eventKind(established.event)).toBe('connection_established');
    expect(eventSubjects(established.event)).toEqual(['idtAAAA', '::ffff:127.0.0.1:9732']);
    expect(eventSubjects({ event: 'request_rejected', point: 'p', identity: [{ addr: 'a' }, 'idtB'] })).toEqual([
      'p',
      'a',
      'idtB',
    ]);
    expect(eventKind({})).toBe('unknown');
  });

  it('keeps events of the chosen kinds about the chosen peer or point', () => {
    const none = { kinds: new Set<string>(), subject: '' };
    expect(matchesFilter(established, none)).toBe(true);
    expect(matchesFilter(established, { kinds: new Set(['new_point']), subject: '' })).toBe(false);
    expect(matchesFilter(newPoint, { kinds: new Set(['new_point']), subject: '' })).toBe(true);
    expect(matchesFilter(established, { ...none, subject: 'IDTaaa' })).toBe(true);
    expect(matchesFilter(established, { ...none, subject: '127.0.0.1:97' })).toBe(true);
    expect(matchesFilter(newPoint, { ...none, subject: 'idtAAAA' })).toBe(false);
  });
});
