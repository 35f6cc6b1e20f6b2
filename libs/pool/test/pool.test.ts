import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRng } from '@tezos-p2p/events';
import { pointToString, shellPeerMetadataConfig } from '@tezos-p2p/wire';
import { PoolError, sample } from '../src/index.js';
import { compareKnownPoints, splitSize } from '../src/known-points.js';
import { connect, makePool, peer } from './helpers.js';

const pt = (i: number, port = 9732) => ({ ip: `10.0.${i >> 8}.${i & 0xff}`, port });

describe('registration and the events it emits', () => {
  it('register_point: New_point and the trigger for new points only; trust and expected peer are updated', () => {
    const { pool, events, bus } = makePool();
    const triggered: string[] = [];
    bus.triggers.newPoint$.subscribe((p) => triggered.push(pointToString(p)));
    const a = pool.registerPoint(pt(1));
    expect(a.trusted).toBe(false);
    pool.registerPoint(pt(1), { trusted: true });
    expect(a.trusted).toBe(true);
    pool.registerPoint(pt(1));
    expect(a.trusted).toBe(true);
    pool.registerPoint(pt(1), { trusted: false });
    expect(a.trusted).toBe(false);
    pool.registerPoint(pt(1), { expectedPeerId: peer(3) });
    expect(a.expectedPeerId).toBe(peer(3));
    expect(events).toEqual([{ kind: 'New_point', point: pt(1) }]);
    expect(triggered).toEqual(['10.0.0.1:9732']);
  });

  it('register_peer: New_peer after the trigger; known peers are returned as they are', () => {
    const { pool, events } = makePool();
    const a = pool.registerPeer(peer(1));
    expect(pool.registerPeer(peer(1))).toBe(a);
    expect(a.created).toBe(pool.clock.now());
    expect(events).toEqual([{ kind: 'New_peer', peerId: peer(1) }]);
  });

  it('our own points are never registered again (register_new_point) and are forgotten as known points', () => {
    const { pool } = makePool();
    pool.registerPoint(pt(5));
    pool.addToIdPoints(pt(5));
    expect(pool.points.info(pt(5))).toBeUndefined();
    expect(pool.registerNewPoint(pt(5))).toBeUndefined();
    pool.registerListOfNewPoints([pt(5), pt(6)], { medium: 'advertise', source: peer(1) });
    expect(pool.knownPointCount).toBe(1);
  });

  it('trusted points from the configuration are registered trusted with their expected peer', () => {
    const { pool } = makePool({ trustedPoints: [{ point: pt(9), expectedPeerId: peer(9) }] });
    expect(pool.points.info(pt(9))).toMatchObject({ trusted: true, expectedPeerId: peer(9) });
  });
});

describe('GC of known points and peers', () => {
  it('points: at 400 the table is collected to 300, then the new point makes 301; oldest misses first, never-missed last, trusted and connected never', () => {
    const { pool, events, clock } = makePool();
    const now = clock.now();
    for (let i = 0; i < 400; i++) {
      const info = pool.registerPoint(pt(i));
      if (i < 100) info.lastFailedConnection = now - (1000 - i) * 1000; // oldest misses: 0..99
      if (i >= 100 && i < 110) info.trusted = true;
    }
    const running = connect(pool, '10.0.0.200', 9732, peer(200));
    void running;
    events.length = 0;
    pool.registerPoint(pt(1000));
    expect(events.map((e) => e.kind)).toEqual(['Gc_points', 'New_point']);
    expect(pool.knownPointCount).toBe(301);
    for (let i = 0; i < 100; i++) expect(pool.points.info(pt(i))).toBeUndefined();
    for (let i = 100; i < 110; i++) expect(pool.points.info(pt(i))).toBeDefined();
    expect(pool.points.info({ ip: '10.0.0.200', port: 9732 })?.state.kind).toBe('Running');
  });

  it('peers: the newest disconnected untrusted peers are evicted first (constant score)', () => {
    const { pool, clock, events } = makePool({ maxKnownPeerIds: { max: 10, target: 5 } });
    for (let i = 0; i < 10; i++) {
      pool.registerPeer(peer(i));
      void clock.advance(1000);
    }
    pool.peers.trust(peer(9));
    events.length = 0;
    pool.registerPeer(peer(50));
    expect(events.map((e) => e.kind)).toEqual(['Gc_peer_ids', 'New_peer']);
    // Survivors: the 4 oldest, the trusted newest, and the new one.
    expect(
      pool.peers
        .list()
        .map((p) => p.peerId)
        .sort(),
    ).toEqual([peer(0), peer(1), peer(2), peer(3), peer(9), peer(50)].sort());
  });

  it('Gc_points on each registration that finds the table at max, even when nothing can go (all trusted or connected)', () => {
    const { pool, events } = makePool({ maxKnownPoints: { max: 4, target: 2 } });
    const gcs = () => events.filter((e) => e.kind === 'Gc_points').length;
    for (let i = 0; i < 3; i++) pool.registerPoint(pt(i), { trusted: true });
    connect(pool, '10.0.0.3', 9732, peer(3));
    expect(pool.knownPointCount).toBe(4);
    expect(gcs()).toBe(0);
    // Over max with nothing collectable: the table keeps growing, and each new point is reported.
    for (let i = 10; i < 13; i++) pool.registerPoint(pt(i), { trusted: true });
    expect(pool.knownPointCount).toBe(7);
    expect(gcs()).toBe(3);
    pool.registerPoint(pt(20));
    expect(gcs()).toBe(4);
    expect(pool.knownPointCount).toBe(8);
    // The one collectable point goes at the next registration (still reported once).
    pool.registerPoint(pt(21));
    expect(gcs()).toBe(5);
    expect(pool.knownPointCount).toBe(8);
    expect(pool.points.info(pt(20))).toBeUndefined();
  });

  it('Gc_points / Gc_peer_ids once per collection: the count follows the registrations that reach max', () => {
    const { pool, events } = makePool({
      maxKnownPoints: { max: 10, target: 5 },
      maxKnownPeerIds: { max: 10, target: 5 },
    });
    const count = (kind: string) => events.filter((e) => e.kind === kind).length;
    for (let i = 0; i < 10; i++) {
      pool.registerPoint(pt(i));
      pool.registerPeer(peer(i));
    }
    expect([count('Gc_points'), count('Gc_peer_ids')]).toEqual([0, 0]);
    pool.registerPoint(pt(10));
    pool.registerPeer(peer(10));
    expect([count('Gc_points'), count('Gc_peer_ids')]).toEqual([1, 1]);
    expect([pool.knownPointCount, pool.peers.list().length]).toEqual([6, 6]);
    // Four more fit below max; the fifth finds the table at max again.
    for (let i = 11; i < 16; i++) {
      pool.registerPoint(pt(i));
      pool.registerPeer(peer(i));
    }
    expect([count('Gc_points'), count('Gc_peer_ids')]).toEqual([2, 2]);
    expect([pool.knownPointCount, pool.peers.list().length]).toEqual([6, 6]);
  });

  it('Gc_peer_ids even when every known peer is running', () => {
    const { pool, events } = makePool({ maxKnownPeerIds: { max: 2, target: 1 } });
    connect(pool, '10.0.0.1', 9732, peer(1));
    connect(pool, '10.0.0.2', 9732, peer(2));
    pool.registerPeer(peer(3));
    expect(events.filter((e) => e.kind === 'Gc_peer_ids')).toHaveLength(1);
    expect(pool.peers.list()).toHaveLength(3);
  });

  it('null bounds disable the GC', () => {
    const { pool } = makePool({ maxKnownPoints: null });
    for (let i = 0; i < 500; i++) pool.registerPoint(pt(i));
    expect(pool.knownPointCount).toBe(500);
  });

  it('rejects impossible bounds', () => {
    expect(() => makePool({ maxKnownPoints: { max: 10, target: 20 } })).toThrow(PoolError);
  });
});

describe('list_known_points', () => {
  it('splits size into 3/5 best and 2/5 random (30 + 20 for 50) and refuses a negative size', () => {
    expect(splitSize(50)).toEqual({ best: 30, other: 20 });
    expect(splitSize(1)).toEqual({ best: 1, other: 0 });
    const { pool } = makePool();
    expect(() => pool.listKnownPoints({ ignorePrivate: true, size: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('sample: the first `best`, then random picks among the rest, in reverse order of selection', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const s = sample(seededRng(1), 30, 20, items);
    expect(s.length).toBeLessThanOrEqual(50);
    expect(s.length).toBeGreaterThanOrEqual(45);
    const forward = [...s].reverse();
    expect(forward.slice(0, 30)).toEqual(items.slice(0, 30));
    expect(forward.slice(30).every((x, k, a) => x >= 30 && (k === 0 || x > a[k - 1]!))).toBe(true);
    expect(sample(seededRng(1), 30, 20, items.slice(0, 40))).toEqual(items.slice(0, 40));
  });

  it('only public (handshake-proven) points, never banned or greylisted ones; connected long-standing points first', () => {
    const { pool, clock } = makePool();
    const now = clock.now();
    for (let i = 0; i < 10; i++) {
      const info = pool.registerPoint(pt(i));
      info.setPrivate(i === 9); // 9 is private
      info.lastEstablishedConnection = { value: peer(i), at: now - i * 1000 };
    }
    pool.registerPoint(pt(50)); // learnt from an Advertise only: not known public
    pool.greylistAddr(pt(3).ip);
    pool.points.ban(pt(4));
    const got = pool.listKnownPoints({ ignorePrivate: true }).map(pointToString).sort();
    expect(got).toEqual([0, 1, 2, 5, 6, 7, 8].map((i) => pointToString(pt(i))).sort());
    expect(pool.listKnownPoints({ ignorePrivate: false }).map(pointToString)).toContain(pointToString(pt(50)));
    const connected = connect(pool, '10.9.9.9', 9732, peer(77));
    void connected;
    pool.points.info({ ip: '10.9.9.9', port: 9732 })!.lastEstablishedConnection = {
      value: peer(77),
      at: now - 999_999,
    };
    const order = pool.listKnownPoints({ ignorePrivate: true, size: 3 });
    expect(order).toHaveLength(3);
    // Disconnected points come most recently seen first; the connected one sorts before all of them.
    const a = pool.points.info({ ip: '10.9.9.9', port: 9732 })!;
    const b = pool.points.info(pt(0))!;
    expect(compareKnownPoints(seededRng(1), a, b)).toBe(-1);
  });
});

describe('bans, trust and greylists', () => {
  it('Points.ban bans the address, closes connections from it and bans their peers; unban lifts the address', async () => {
    const { pool } = makePool();
    const c1 = connect(pool, '192.0.2.7', 9732, peer(1));
    const c2 = connect(pool, '192.0.2.7', 9733, peer(2));
    const c3 = connect(pool, '192.0.2.8', 9732, peer(3));
    pool.points.ban({ ip: '192.0.2.7', port: 1 });
    expect(c1.reasons).toEqual([{ kind: 'IP_manually_banned' }]);
    expect(c2.reasons).toEqual([{ kind: 'IP_manually_banned' }]);
    expect(c3.reasons).toEqual([]);
    expect(pool.points.banned({ ip: '192.0.2.7', port: 5 })).toBe(true);
    expect(pool.peers.banned(peer(1))).toBe(true);
    pool.points.unban({ ip: '192.0.2.7', port: 5 });
    expect(pool.points.banned({ ip: '192.0.2.7', port: 5 })).toBe(false);
    // As Octez: unban also lifts the peers whose connections from that address are still running
    // (these fakes keep running after disconnect()); peers already gone would stay banned.
    expect(pool.peers.banned(peer(1))).toBe(false);
  });

  it('ban answers kept on known points follow every change of the ACL (greylist, ban, unban, decay, clear)', async () => {
    const { pool, clock } = makePool({ ipGreylistCleanupDelayMs: 16_000 });
    const info = pool.registerPoint(pt(1));
    info.setPrivate(false);
    const listed = () => pool.listKnownPoints({ ignorePrivate: true }).map(pointToString);
    const banned = () => pool.points.banned(pt(1));
    expect([banned(), listed()]).toEqual([false, ['10.0.0.1:9732']]);
    pool.greylistAddr(pt(1).ip);
    expect([banned(), listed()]).toEqual([true, []]);
    pool.clearGreylist();
    expect([banned(), listed()]).toEqual([false, ['10.0.0.1:9732']]);
    pool.points.ban(pt(1));
    expect([banned(), listed()]).toEqual([true, []]);
    pool.points.unban(pt(1));
    expect([banned(), listed()]).toEqual([false, ['10.0.0.1:9732']]);
    pool.greylistAddr(pt(1).ip);
    expect(banned()).toBe(true);
    await clock.advance(16_000); // 16 countdown ticks: the greylisting has decayed
    expect([banned(), listed()]).toEqual([false, ['10.0.0.1:9732']]);
    pool.greylistAddr(pt(1).ip);
    for (let i = 0; i < 15; i++) pool.gcGreylist();
    expect(banned()).toBe(false);
    pool.points.ban(pt(1));
    expect(banned()).toBe(true);
    pool.aclClear();
    expect([banned(), listed()]).toEqual([false, ['10.0.0.1:9732']]);
  });

  it('Peers.ban disconnects; trust unbans and registers; untrust clears the flag', () => {
    const { pool } = makePool();
    const c = connect(pool, '192.0.2.9', 9732, peer(4));
    pool.peers.ban(peer(4));
    expect(c.reasons).toEqual([{ kind: 'Peer_id_manually_banned' }]);
    pool.peers.trust(peer(4));
    expect(pool.peers.banned(peer(4))).toBe(false);
    expect(pool.peers.info(peer(4))?.trusted).toBe(true);
    pool.peers.trust(peer(99));
    expect(pool.peers.info(peer(99))?.trusted).toBe(true);
    pool.peers.untrust(peer(99));
    expect(pool.peers.info(peer(99))?.trusted).toBe(false);
  });

  it('greylist_peer only acts on a running peer: IP and peer id greylisted', () => {
    const { pool } = makePool();
    pool.greylistPeer(peer(5));
    expect(pool.peers.banned(peer(5))).toBe(false);
    connect(pool, '192.0.2.11', 9732, peer(5));
    pool.greylistPeer(peer(5));
    expect(pool.peers.banned(peer(5))).toBe(true);
    expect(pool.points.banned({ ip: '192.0.2.11', port: 1 })).toBe(true);
    expect(pool.peers.greylisted()).toEqual([peer(5)]);
    pool.aclClear();
    expect(pool.peers.banned(peer(5))).toBe(false);
  });

  it('set_expected_peer_id: a running connection to another peer is closed and its address greylisted', () => {
    const { pool } = makePool();
    const c = connect(pool, '192.0.2.12', 9732, peer(6));
    pool.setExpectedPeerId({ ip: '192.0.2.12', port: 9732 }, peer(7));
    expect(c.reasons).toEqual([{ kind: 'Unexpected_peer_id' }]);
    expect(pool.points.banned({ ip: '192.0.2.12', port: 9732 })).toBe(true);
    pool.setExpectedPeerId({ ip: '192.0.2.99', port: 1 }, peer(7)); // unknown point: nothing
    expect(pool.points.info({ ip: '192.0.2.99', port: 1 })).toBeUndefined();
  });

  it('connections: lookups, random choices excluding private ones, swap proposals', () => {
    const { pool } = makePool();
    expect(pool.connections.proposeSwapRequest()).toBeUndefined();
    const a = connect(pool, '192.0.2.21', 9732, peer(21));
    connect(pool, '192.0.2.22', 9732, peer(22), { privateNode: true });
    expect(pool.connections.proposeSwapRequest()).toBeUndefined();
    const c = connect(pool, '192.0.2.23', 9732, peer(23));
    expect(pool.activeConnections).toBe(3);
    expect(pool.connections.findByPeerId(peer(21))).toBe(a);
    expect(pool.connections.findByPoint({ ip: '192.0.2.23', port: 9732 })).toBe(c);
    for (let i = 0; i < 20; i++) {
      const p = pool.connections.proposeSwapRequest()!;
      expect([peer(21), peer(23)]).toContain(p.recipient.peerId);
      expect(p.peerId).not.toBe(p.recipient.peerId);
      expect(p.peerId).not.toBe(peer(22));
    }
  });
});

describe('peers.json', () => {
  function dir(): string {
    return mkdtempSync(join(tmpdir(), 'tzp2p-pool-'));
  }

  it('round trip in Octez layout: saved at destroy, loaded at create with points re-registered', async () => {
    const d = dir();
    const file = join(d, 'peers.json');
    const { pool } = makePool({ peersFile: file });
    const c = connect(pool, '203.0.113.7', 9732, peer(1));
    pool.peers.trust(peer(2));
    const info = pool.peers.info(peer(1))!;
    info.setDisconnected(pool.clock.now() + 10);
    pool.points.info({ ip: '203.0.113.7', port: 9732 })!.setDisconnected(pool.clock.now() + 10, pool.reconnection);
    await pool.stop();
    void c;
    const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>[];
    expect(json.map((e) => Object.keys(e))).toEqual([
      ['peer_id', 'created', 'peer_metadata', 'events', 'last_established_connection', 'last_disconnection'],
      ['peer_id', 'created', 'trusted', 'peer_metadata'],
    ]);
    expect(json[0]!['last_established_connection']).toEqual([
      { addr: '::ffff:203.0.113.7', port: 9732 },
      '2026-05-18T10:00:00.000-00:00',
    ]);
    expect((json[0]!['events'] as { kind: string }[]).map((e) => e.kind)).toEqual([
      'incoming_request',
      'connection_established',
      'external_disconnection',
    ]);
    const again = makePool({ peersFile: file });
    expect(again.pool.peersFileStatus.kind).toBe('loaded');
    expect(again.pool.peers.info(peer(1))?.state.kind).toBe('Disconnected');
    expect(again.pool.peers.info(peer(2))?.trusted).toBe(true);
    expect(again.pool.points.info({ ip: '203.0.113.7', port: 9732 })).toBeDefined();
    expect(again.events.filter((e) => e.kind === 'New_peer')).toEqual([]);
    await again.pool.stop();
    expect(readdirSync(d).sort()).toEqual(['peers.json']);
  });

  /** One entry with valid metadata and `over` replacing fields: well shaped, so only its values can be wrong. */
  const entryWith = (over: Record<string, unknown>) =>
    JSON.stringify([
      {
        peer_id: 'idrdoT9g6YwELhUQyshCcHwAzBS9zA',
        created: '2026-05-18T10:00:00.123-00:00',
        peer_metadata: shellPeerMetadataConfig.initial(),
        ...over,
      },
    ]);

  it.each([
    ['not JSON', '{ "peer_id": ', ''],
    ['wrong shape', '[{"peer_id": "idrdoT9g6YwELhUQyshCcHwAzBS9zA", "created": "2026-05-18T10:00:00.123-00:00"}]', ''],
    [
      'bad metadata',
      '[{"peer_id": "idrdoT9g6YwELhUQyshCcHwAzBS9zA", "created": "2026-05-18T10:00:00.123-00:00", "peer_metadata": {"valid_blocks": 1}}]',
      '',
    ],
    // Found by tools/fuzz: well-shaped values that did not parse made the constructor throw.
    ['peer id with a bad checksum', entryWith({ peer_id: 'idrdoT9g6YwELhUQyshCcHwAzBS9zB' }), '0.peer_id: '],
    ['creation time beyond the Date range', entryWith({ created: '99999999999999999999' }), '0.created: '],
    [
      'event address that is no IP',
      entryWith({
        events: [
          {
            kind: 'incoming_request',
            timestamp: '2026-05-18T10:00:00.200-00:00',
            addr: '::ffff:999.0.0.1',
            port: 9732,
          },
        ],
      }),
      '0.events.0.addr: ',
    ],
    [
      'last-seen time beyond the Date range',
      entryWith({ last_disconnection: [{ addr: '::ffff:203.0.113.7', port: 9732 }, '-99999999999999999'] }),
      '0.last_disconnection.1: ',
    ],
  ])(
    'a %s file is moved aside with an error naming it; the pool starts empty and never overwrites it',
    async (_what, content, where) => {
      const d = dir();
      const file = join(d, 'peers.json');
      writeFileSync(file, content);
      const { pool } = makePool({ peersFile: file });
      const st = pool.peersFileStatus;
      expect(st.kind).toBe('invalid');
      if (st.kind !== 'invalid') return;
      expect(st.error.code).toBe('PEERS_FILE_INVALID');
      expect(st.error.message).toContain(file);
      expect(st.error.message).toContain(where);
      expect(readFileSync(st.movedTo, 'utf8')).toBe(content);
      expect(pool.knownPeerCount).toBe(0);
      await pool.stop();
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([]);
    },
  );

  it('accepts the documented Octez example (pool.md §9)', () => {
    const d = dir();
    const file = join(d, 'peers.json');
    const { pool: p0 } = makePool();
    const meta = p0.peerMetadata.initial();
    writeFileSync(
      file,
      JSON.stringify([
        {
          peer_id: 'idrdoT9g6YwELhUQyshCcHwAzBS9zA',
          created: '2026-05-18T10:00:00.123-00:00',
          trusted: true,
          peer_metadata: { ...meta, valid_blocks: '12' },
          events: [
            {
              kind: 'incoming_request',
              timestamp: '2026-05-18T10:00:00.200-00:00',
              addr: '::ffff:203.0.113.7',
              port: 9732,
            },
          ],
          last_established_connection: [{ addr: '::ffff:203.0.113.7', port: 9732 }, '2026-05-18T10:00:00.300-00:00'],
          last_disconnection: [{ addr: '::ffff:203.0.113.7', port: 9732 }, '2026-05-18T11:00:00.000-00:00'],
        },
      ]),
    );
    const { pool } = makePool({ peersFile: file });
    const info = pool.peers.info('idrdoT9g6YwELhUQyshCcHwAzBS9zA' as never)!;
    expect(info.peerMetadata.valid_blocks).toBe('12');
    expect(info.lastSeen?.at).toBe(Date.UTC(2026, 4, 18, 11));
    expect(pool.points.info({ ip: '203.0.113.7', port: 9732 })).toBeDefined();
  });

  it('makes a peer’s metadata only when it is read, and keeps it then', () => {
    const d = dir();
    let made = 0;
    const counting = { ...shellPeerMetadataConfig, initial: () => (made++, shellPeerMetadataConfig.initial()) };
    const { pool } = makePool({ peersFile: join(d, 'peers.json'), peerMetadata: counting });
    const info = pool.registerPeer(peer(1));
    pool.registerPeer(peer(2));
    expect(made).toBe(0);
    // Scores and peers.json read an initial value without storing it, and write the same JSON.
    expect(pool.peers.getScore(peer(1))).toBe(1);
    pool.savePeers();
    const saved = JSON.parse(readFileSync(join(d, 'peers.json'), 'utf8')) as { peer_metadata: unknown }[];
    expect(saved.map((e) => e.peer_metadata)).toEqual([
      shellPeerMetadataConfig.initial(),
      shellPeerMetadataConfig.initial(),
    ]);
    const afterReads = made;
    // Read through the info, it is made once and updated in place.
    info.peerMetadata.valid_blocks = '3';
    expect(pool.peers.getMetadata(peer(1)).valid_blocks).toBe('3');
    expect(made).toBe(afterReads + 1);
    pool.savePeers();
    expect(
      (JSON.parse(readFileSync(join(d, 'peers.json'), 'utf8')) as { peer_metadata: { valid_blocks: string } }[])[0]!
        .peer_metadata.valid_blocks,
    ).toBe('3');
  });

  it('destroy closes running connections with Pool_destroyed and cancels pending ones', async () => {
    const { pool, clock } = makePool();
    const c = connect(pool, '192.0.2.30', 9732, peer(30));
    let cancelled = 0;
    pool.registerPoint(pt(31)).setRequested(pool.clock.now(), () => cancelled++);
    await pool.stop();
    expect(c.reasons).toEqual([{ kind: 'Pool_destroyed' }]);
    expect(cancelled).toBe(1);
    expect(clock.pending).toBe(0); // the ACL's countdown timer is gone too
  });
});

describe('linear-time known-points selection', () => {
  it('property: equals Octez sort-then-sample when last-seen times are distinct', async () => {
    const fc = (await import('fast-check')).default;
    const { knownPointsSample: select } = await import('../src/known-points.js');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 80 }), fc.integer(), (n, size, seed) => {
        const { pool, clock } = makePool({ maxKnownPoints: null });
        const now = clock.now();
        const infos = Array.from({ length: n }, (_, i) => {
          const info = pool.registerPoint({ ip: `10.1.${i >> 8}.${i & 0xff}`, port: 1 });
          info.lastEstablishedConnection = { value: peer(i), at: now - i * 7919 - (i % 3) * 100_000 };
          if (i % 4 === 0) info.setRequested(now, () => undefined);
          return info;
        });
        const reference = sample(
          seededRng(seed),
          splitSize(size).best,
          splitSize(size).other,
          [...infos].sort((a, b) => compareKnownPoints(seededRng(0), a, b)),
        ).map((i) => i.point);
        expect(select(seededRng(seed), infos, size)).toEqual(reference);
      }),
      { numRuns: 150 },
    );
  });
});
