import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PoolError } from '../src/index.js';
import { makePool, peer } from './helpers.js';

const MINUTE = 60_000;
const dir = () => mkdtempSync(join(tmpdir(), 'tzp2p-autosave-'));
const savedIds = (file: string) =>
  (JSON.parse(readFileSync(file, 'utf8')) as { peer_id: string; trusted?: boolean }[]).map(
    (e) => `${e.peer_id}${e.trusted ? ' trusted' : ''}`,
  );

// peers.json written while the pool runs (Octez writes it only at shutdown), on the fake clock.
describe('periodic peers.json saves', () => {
  it('each interval, only when the table changed since the last write', async () => {
    const file = join(dir(), 'peers.json');
    const { pool, clock } = makePool({ peersFile: file, peersFileSaveIntervalMs: MINUTE });
    await clock.advance(MINUTE);
    expect(existsSync(file)).toBe(false); // an empty table, as loaded: nothing to write
    pool.registerPeer(peer(1));
    await clock.advance(MINUTE - 1);
    expect(existsSync(file)).toBe(false);
    await clock.advance(1);
    expect(savedIds(file)).toEqual([peer(1)]);
    // Unchanged since: a removed file stays removed (no write), until the table changes again.
    rmSync(file);
    await clock.advance(3 * MINUTE);
    expect(existsSync(file)).toBe(false);
    pool.peers.trust(peer(1));
    await clock.advance(MINUTE);
    expect(savedIds(file)).toEqual([`${peer(1)} trusted`]);
    await pool.stop();
  });

  it('a table loaded from peers.json is not rewritten until it changes', async () => {
    const file = join(dir(), 'peers.json');
    const first = makePool({ peersFile: file, peersFileSaveIntervalMs: null });
    first.pool.registerPeer(peer(2));
    await first.pool.stop();
    const text = readFileSync(file, 'utf8');
    const { pool, clock } = makePool({ peersFile: file, peersFileSaveIntervalMs: MINUTE });
    writeFileSync(file, text.replace('[', '[ ')); // a marker a rewrite would drop
    await clock.advance(2 * MINUTE);
    expect(readFileSync(file, 'utf8')).toBe(text.replace('[', '[ '));
    await pool.stop();
  });

  it('destroy stops the timer (none left on the clock); null means only at destroy', async () => {
    const file = join(dir(), 'peers.json');
    const on = makePool({ peersFile: file, peersFileSaveIntervalMs: MINUTE });
    expect(on.clock.pending).toBe(2); // the ACL's countdown and the saves
    await on.pool.stop();
    expect(on.clock.pending).toBe(0);
    const off = makePool({ peersFile: join(dir(), 'peers.json'), peersFileSaveIntervalMs: null });
    expect(off.clock.pending).toBe(1);
    const none = makePool({ peersFileSaveIntervalMs: MINUTE }); // no file: no saves
    expect(none.clock.pending).toBe(1);
    await Promise.all([off.pool.stop(), none.pool.stop()]);
  });

  it('a failed write is reported with its code and retried at the next interval', async () => {
    const d = join(dir(), 'not-yet');
    const file = join(d, 'peers.json');
    const errors: PoolError[] = [];
    const { pool, clock } = makePool({
      peersFile: file,
      peersFileSaveIntervalMs: MINUTE,
      onPeersFileError: (e) => errors.push(e),
    });
    pool.registerPeer(peer(3));
    await clock.advance(MINUTE);
    expect(errors.map((e) => e.code)).toEqual(['PEERS_FILE_WRITE_FAILED']);
    mkdirSync(d);
    await clock.advance(MINUTE);
    expect(savedIds(file)).toEqual([peer(3)]);
    expect(errors).toHaveLength(1);
    await pool.stop();
  });

  it('refuses an interval that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      let error: unknown;
      try {
        makePool({ peersFileSaveIntervalMs: bad });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PoolError);
      expect((error as PoolError).code).toBe('INVALID_CONFIG');
    }
  });
});

describe('a stray peers.json.tmp (a crash between write and rename)', () => {
  it('is removed when the pool is created, before anything is written; peers.json is loaded as it is', async () => {
    const d = dir();
    const file = join(d, 'peers.json');
    const first = makePool({ peersFile: file, peersFileSaveIntervalMs: null });
    first.pool.registerPeer(peer(4));
    await first.pool.stop();
    writeFileSync(`${file}.tmp`, '[{"half": ');
    const { pool } = makePool({ peersFile: file });
    expect(existsSync(`${file}.tmp`)).toBe(false);
    expect(pool.peersFileStatus.kind).toBe('loaded');
    expect(pool.peers.info(peer(4))).toBeDefined();
    await pool.stop();
  });
});
