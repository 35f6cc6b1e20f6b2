import { describe, expect, it } from 'vitest';
import { LOG_LEVELS, logEvent, logReport } from '../src/node/log-levels.js';
import type { PeerId } from '@tezos-p2p/wire';
import type { Logger } from 'pino';

function recorder(): { log: Logger; lines: [string, Record<string, unknown>, string][] } {
  const lines: [string, Record<string, unknown>, string][] = [];
  const at = (level: string) => (o: Record<string, unknown>, msg: string) => void lines.push([level, o, msg]);
  return {
    log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger,
    lines,
  };
}

describe('log levels: one table, Octez levels', () => {
  it("Octez's levels for the events it has (p2p_events.ml), notice printed as info", () => {
    expect(LOG_LEVELS.peer_discovery_disabled).toEqual(['p2p_conn', 'warn']);
    expect(LOG_LEVELS.bootstrap_received).toEqual(['p2p_conn', 'debug']);
    expect(LOG_LEVELS.authentication_failed).toEqual(['connect_handler', 'debug']); // authentication_error
    expect(LOG_LEVELS.greylisted).toEqual(['connect_handler', 'info']); // greylist_peer, notice
    expect(LOG_LEVELS.maintenance_started).toEqual(['maintenance', 'info']);
    expect(LOG_LEVELS.register_new).toEqual(['discovery', 'info']);
    expect(LOG_LEVELS.save_peers_error).toEqual(['pool', 'error']); // save_error_peers
    expect(LOG_LEVELS.unexpected_error).toEqual(['discovery', 'error']);
  });

  it('a report is a line at its level, with its worker as source and its kind as message; an event as /network/log prints it', () => {
    const { log, lines } = recorder();
    logReport(log, {
      kind: 'worker_failed',
      worker: 'maintenance',
      error: { code: 'BOOM', message: 'x' },
      restarted: true,
    });
    logReport(log, { kind: 'broadcast_message', destination: { address: '1.2.3.4', port: 7732 } });
    logEvent(log, { kind: 'Disconnection', peerId: 'idtest' as PeerId });
    logEvent(log, { kind: 'Maintenance_started' });
    expect(lines).toEqual([
      [
        'error',
        { source: 'supervisor', worker: 'maintenance', error: { code: 'BOOM', message: 'x' }, restarted: true },
        'worker_failed',
      ],
      ['debug', { source: 'discovery', destination: { address: '1.2.3.4', port: 7732 } }, 'broadcast_message'],
      ['info', { event: 'disconnection', peer_id: 'idtest' }, 'p2p event'],
    ]);
  });
});
