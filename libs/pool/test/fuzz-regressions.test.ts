import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePool } from './helpers.js';

/**
 * Found by tools/fuzz (wire.peersJson target): a peers.json whose shape is right but whose values are
 * not (a peer id with a bad checksum, a timestamp beyond the Date range, an address that is no IP) made
 * the pool constructor throw, so a node would not start; it is now moved aside like any corrupt file.
 */
describe('fuzz regressions: peers.json values', () => {
  const entry = (over: Record<string, unknown>, meta: unknown) => ({
    peer_id: 'idrdoT9g6YwELhUQyshCcHwAzBS9zA',
    created: '2026-05-18T10:00:00.123-00:00',
    peer_metadata: meta,
    ...over,
  });

  it.each([
    ['a peer id with a bad checksum', { peer_id: 'idrdoT9g6YwELhUQyshCcHwAzBS9zB' }, '0.peer_id: '],
    ['a creation time beyond the Date range', { created: '99999999999999999999' }, '0.created: '],
    ['an event address that is no IP', { events: [{ kind: 'incoming_request', timestamp: '2026-05-18T10:00:00.200-00:00', addr: '::ffff:999.0.0.1', port: 9732 }] }, '0.events.0.addr: '],
    ['a last-seen time beyond the Date range', { last_disconnection: [{ addr: '::ffff:203.0.113.7', port: 9732 }, '-99999999999999999'] }, '0.last_disconnection.1: '],
  ])('%s: the file is moved aside and the pool starts empty', async (_what, over, where) => {
    const d = mkdtempSync(join(tmpdir(), 'tzp2p-pool-fuzz-'));
    const file = join(d, 'peers.json');
    const { pool: p0 } = makePool();
    const content = JSON.stringify([entry(over, p0.peerMetadata.initial())]);
    await p0.destroy();
    writeFileSync(file, content);
    const { pool } = makePool({ peersFile: file });
    const st = pool.peersFileStatus;
    expect(st.kind).toBe('invalid');
    if (st.kind !== 'invalid') return;
    expect(st.error.code).toBe('PEERS_FILE_INVALID');
    expect(st.error.message).toContain(where);
    expect(readFileSync(st.movedTo, 'utf8')).toBe(content);
    expect(pool.knownPeerCount).toBe(0);
    await pool.destroy();
  });
});
