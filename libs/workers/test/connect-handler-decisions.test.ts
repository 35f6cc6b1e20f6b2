/**
 * Decision tables of the connect handler (and a few of the maintenance), without sockets: outgoing
 * connections go through the `dialer` seam to in-memory socket pairs whose far end is a scripted peer,
 * incoming ones are handed to `accept` as one end of such a pair; time is a `FakeClock`, the connect
 * timeout and the handshake deadline included. Each row: a situation → the outcome (Ack, the Nack motive, the
 * refusal code, greylisted or not). Octez: test_p2p_connect_handler.ml with its mocked dependencies.
 */
import {
  type ByteStream,
  type Connection,
  IoScheduler,
  authenticate,
  createMemorySocketPair,
} from '@tezos-p2p/connection';
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import { EventBus, FakeClock, type P2pEvent, type P2pReport, seededRng } from '@tezos-p2p/events';
import { Pool } from '@tezos-p2p/pool';
import {
  type NackMotive,
  type Point,
  type RawAppMessage,
  type ShellConnectionMetadata,
  type ShellPeerMetadata,
  p2pMessageEncoding,
  pointToString,
  rawAppMessages,
  shellConnectionMetadataConfig,
  shellPeerMetadataConfig,
} from '@tezos-p2p/wire';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ConnectHandler,
  type Dialer,
  Maintenance,
  type P2pConn,
  type P2pLimits,
  PrivateAnswerer,
  maintenanceBounds,
  resolveLimits,
} from '../src/index.js';

const CHAIN = 'TEZOS_DECISIONS';
const messageEncoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });
type Conn = P2pConn<RawAppMessage, ShellConnectionMetadata>;
type Handler = ConnectHandler<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;

let ours: Identity;
const peers: Identity[] = [];
beforeAll(async () => {
  ours = await generateIdentity({ difficulty: 0, workers: 0 });
  for (let i = 0; i < 4; i++) peers.push(await generateIdentity({ difficulty: 0, workers: 0 }));
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** How the scripted far end behaves: its identity, the chain it announces, Ack or Nack after authentication. */
interface PeerScript {
  readonly identity: Identity;
  readonly chainName?: string;
  readonly listeningPort?: number;
  readonly nack?: NackMotive;
  readonly alternatives?: readonly Point[];
}

/** What the far end saw: our Ack, our Nack (its motive), or the stream closed / failed (its code). */
type PeerOutcome = 'Ack' | `Nack ${string}` | `closed ${string}`;

function runPeer(stream: ByteStream, script: PeerScript, incoming: boolean, remote: Point): Promise<PeerOutcome> {
  const opened: Connection<unknown, ShellConnectionMetadata>[] = [];
  cleanups.push(() => opened.forEach((c) => c.close()));
  return (async (): Promise<PeerOutcome> => {
    const authed = await authenticate(stream, {
      identity: script.identity,
      version: { chainName: script.chainName ?? CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
      listeningPort: script.listeningPort ?? 19732,
      expectedProofOfWork: 0,
      metadata: shellConnectionMetadataConfig(),
      incoming,
      remote,
      timeoutMs: 5000,
    });
    if (script.nack) {
      await authed.nack(script.nack, script.alternatives ?? []);
      return `Nack ${script.nack.kind}`;
    }
    const conn = await authed.accept({ messageEncoding });
    opened.push(conn as Connection<unknown, ShellConnectionMetadata>);
    return 'Ack';
  })().catch((e: { code?: string; motive?: NackMotive }): PeerOutcome =>
    e.code === 'REJECTED_BY_NACK' ? `Nack ${e.motive?.kind ?? '?'}` : `closed ${e.code ?? String(e)}`,
  );
}

interface Setup {
  readonly handler: Handler;
  readonly pool: Pool<Conn, ShellPeerMetadata, ShellConnectionMetadata>;
  readonly bus: EventBus;
  readonly clock: FakeClock;
  readonly reports: P2pReport[];
  readonly events: P2pEvent[];
  /** Points the dialer was asked for, in order. */
  readonly dialled: string[];
  /** What the scripted peer behind a dialled point saw. */
  readonly peerOutcome: Map<string, Promise<PeerOutcome>>;
  /** The scripted peer behind each point; a point without a script is unreachable. */
  readonly scripts: Map<string, PeerScript | 'hang'>;
  /** Hand an incoming stream from `from` to `accept`, with `script` at the far end. */
  incoming(from: Point, script: PeerScript | 'silent'): { peer: Promise<PeerOutcome>; settled: Promise<string> };
}

function setup(
  o: { privateMode?: boolean; limits?: Partial<P2pLimits>; expectedProofOfWork?: number; dialer?: Dialer } = {},
): Setup {
  const clock = new FakeClock();
  const bus = new EventBus();
  const reports: P2pReport[] = [];
  const events: P2pEvent[] = [];
  bus.reports$.subscribe((r) => reports.push(r));
  bus.events$.subscribe((e) => events.push(e));
  const pool = new Pool<Conn, ShellPeerMetadata, ShellConnectionMetadata>({
    peerId: ours.peerId,
    peerMetadata: shellPeerMetadataConfig,
    bus,
    clock,
    rng: seededRng(7),
    peersFileSaveIntervalMs: null,
    privateMode: o.privateMode ?? false,
  });
  const scheduler = new IoScheduler();
  const dialled: string[] = [];
  const peerOutcome = new Map<string, Promise<PeerOutcome>>();
  const scripts = new Map<string, PeerScript | 'hang'>();
  const memoryDialer: Dialer = async (point, { signal }) => {
    const key = pointToString(point);
    dialled.push(key);
    const script = scripts.get(key);
    if (script === undefined) throw new Error('ECONNREFUSED');
    if (script === 'hang')
      return new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true }),
      );
    const [mine, theirs] = createMemorySocketPair(
      { address: '192.0.2.100', port: 40000 },
      { address: point.ip, port: point.port },
    );
    cleanups.push(() => void theirs.destroy());
    peerOutcome.set(key, runPeer(theirs, script, true, { ip: '192.0.2.100', port: 40000 }));
    return mine;
  };
  const handler: Handler = new ConnectHandler(
    {
      identity: ours,
      versions: { chainName: CHAIN, distributedDbVersions: [2], p2pVersions: [1] },
      advertisedPort: () => 9732,
      expectedProofOfWork: o.expectedProofOfWork ?? 0,
      connectionMetadata: shellConnectionMetadataConfig(),
      messageEncoding,
      limits: resolveLimits({ maintenanceIdleTimeMs: null, ...o.limits }),
      privateMode: o.privateMode ?? false,
      disablePeerDiscovery: false,
      dialer: o.dialer ?? memoryDialer,
    },
    pool,
    scheduler,
    bus,
    clock,
  );
  handler.setAnswerer(new PrivateAnswerer());
  cleanups.push(async () => {
    handler.stop();
    await pool.stop();
    scheduler.stop();
  });
  const incoming = (from: Point, script: PeerScript | 'silent') => {
    const [mine, theirs] = createMemorySocketPair(
      { address: '192.0.2.100', port: 9732 },
      { address: from.ip, port: from.port },
    );
    cleanups.push(() => void theirs.destroy());
    const settled = new Promise<string>((resolve) => {
      const sub = bus.reports$.subscribe((r) => {
        if (r.kind === 'handshake_settled' && r.incoming && pointToString(r.point) === pointToString(from)) {
          sub.unsubscribe();
          resolve(r.outcome);
        }
      });
      cleanups.push(() => sub.unsubscribe());
    });
    handler.accept(mine);
    const peer =
      script === 'silent'
        ? Promise.resolve<PeerOutcome>('closed silent')
        : runPeer(theirs, script, false, { ip: '192.0.2.100', port: 9732 });
    return { peer, settled };
  };
  return { handler, pool, bus, clock, reports, events, dialled, peerOutcome, scripts, incoming };
}

const A: Point = { ip: '198.51.100.1', port: 9732 };
const B: Point = { ip: '198.51.100.2', port: 9732 };
const C: Point = { ip: '198.51.100.3', port: 9732 };
const key = pointToString;
const codeOf = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'connected',
    (e: { code?: string }) => e.code ?? String(e),
  );

describe('connect handler decisions: outgoing connect(point)', () => {
  it('plain point, peer on our chain → Ack both ways; point and peer Running', async () => {
    const s = setup();
    s.scripts.set(key(A), { identity: peers[0]! });
    const conn = await s.handler.connect(A);
    expect(conn.peerId).toBe(peers[0]!.peerId);
    expect(await s.peerOutcome.get(key(A))).toBe('Ack');
    expect(s.pool.points.info(A)?.state.kind).toBe('Running');
    expect(s.pool.peers.info(peers[0]!.peerId)?.state.kind).toBe('Running');
    expect(s.reports).toContainEqual(
      expect.objectContaining({ kind: 'handshake_settled', incoming: false, outcome: 'accepted' }),
    );
  });

  it('banned point → POINT_BANNED, never dialled', async () => {
    const s = setup();
    s.scripts.set(key(A), { identity: peers[0]! });
    s.pool.points.ban(A);
    expect(await codeOf(s.handler.connect(A))).toBe('POINT_BANNED');
    expect(s.dialled).toEqual([]);
  });

  it('greylisted address → POINT_BANNED, never dialled', async () => {
    const s = setup();
    s.scripts.set(key(A), { identity: peers[0]! });
    s.pool.greylistAddr(A.ip);
    expect(await codeOf(s.handler.connect(A))).toBe('POINT_BANNED');
    expect(s.dialled).toEqual([]);
  });

  it('private mode, untrusted point → PRIVATE_MODE, never dialled', async () => {
    const s = setup({ privateMode: true });
    s.scripts.set(key(A), { identity: peers[0]! });
    expect(await codeOf(s.handler.connect(A))).toBe('PRIVATE_MODE');
    expect(s.dialled).toEqual([]);
  });

  it('private mode, trusted point → Ack', async () => {
    const s = setup({ privateMode: true });
    s.scripts.set(key(A), { identity: peers[0]! });
    expect(await codeOf(s.handler.connect(A, { trusted: true }))).toBe('connected');
    expect(await s.peerOutcome.get(key(A))).toBe('Ack');
  });

  it('already connected to the point → CONNECTED, not dialled again', async () => {
    const s = setup();
    s.scripts.set(key(A), { identity: peers[0]! });
    await s.handler.connect(A);
    expect(await codeOf(s.handler.connect(A))).toBe('CONNECTED');
    expect(s.dialled).toEqual([key(A)]);
  });

  it('a connection to the point already pending → PENDING_CONNECTION', async () => {
    const s = setup();
    s.scripts.set(key(A), 'hang');
    const first = codeOf(s.handler.connect(A, { timeoutMs: 5000 }));
    expect(await codeOf(s.handler.connect(A))).toBe('PENDING_CONNECTION');
    s.handler.stop();
    expect(await first).toBe('P2P_SHUT_DOWN');
  });

  it('dial fails → CONNECTION_FAILED, point Disconnected with a back-off', async () => {
    const s = setup();
    expect(await codeOf(s.handler.connect(A))).toBe('CONNECTION_FAILED');
    const info = s.pool.points.info(A)!;
    expect(info.state.kind).toBe('Disconnected');
    expect(info.cannotReconnectYet(s.clock.now())).toBe(true);
  });

  it('dial hangs past the timeout → TIMEOUT, not greylisted', async () => {
    const s = setup();
    s.scripts.set(key(A), 'hang');
    const timersBefore = s.clock.pending;
    let outcome: string | undefined;
    void codeOf(s.handler.connect(A, { timeoutMs: 10_000 })).then((c) => (outcome = c));
    await s.clock.advance(9_999);
    expect(outcome).toBeUndefined();
    await s.clock.advance(1);
    await vi.waitFor(() => expect(outcome).toBe('TIMEOUT'));
    expect(s.pool.points.banned(A)).toBe(false);
    expect(s.clock.pending).toBe(timersBefore); // the connect timer is cleared
  });

  it('banned peer → PEER_BANNED, closed without a Nack', async () => {
    const s = setup();
    s.scripts.set(key(A), { identity: peers[0]! });
    s.pool.peers.ban(peers[0]!.peerId);
    expect(await codeOf(s.handler.connect(A))).toBe('PEER_BANNED');
    expect(await s.peerOutcome.get(key(A))).toMatch(/^closed /);
    expect(s.reports).toContainEqual(expect.objectContaining({ kind: 'refused_silently', peerId: peers[0]!.peerId }));
  });

  it('expected peer id differs → IDENTITY_CHECK_FAILURE, closed without a Nack', async () => {
    const s = setup();
    s.scripts.set(key(A), { identity: peers[0]! });
    expect(await codeOf(s.handler.connect(A, { expectedPeerId: peers[1]!.peerId }))).toBe('IDENTITY_CHECK_FAILURE');
    expect(await s.peerOutcome.get(key(A))).toMatch(/^closed /);
  });

  it('wrong chain → Nack Unknown_chain_name, REJECTED_NO_COMMON_PROTOCOL, point forgotten', async () => {
    const s = setup();
    s.scripts.set(key(A), { identity: peers[0]!, chainName: 'SOME_OTHER_CHAIN' });
    expect(await codeOf(s.handler.connect(A))).toBe('REJECTED_NO_COMMON_PROTOCOL');
    expect(await s.peerOutcome.get(key(A))).toBe('Nack Unknown_chain_name');
    expect(s.pool.points.info(A)).toBeUndefined();
  });

  it('too many connections → Nack Too_many_connections, REJECTED', async () => {
    const s = setup({ limits: { minConnections: 1, expectedConnections: 1, maxConnections: 1 } });
    s.scripts.set(key(A), { identity: peers[0]! });
    s.scripts.set(key(B), { identity: peers[1]! });
    await s.handler.connect(A);
    expect(await codeOf(s.handler.connect(B))).toBe('REJECTED');
    expect(await s.peerOutcome.get(key(B))).toBe('Nack Too_many_connections');
  });

  it('already connected to the peer (by another point) → Nack Already_connected', async () => {
    const s = setup();
    s.scripts.set(key(A), { identity: peers[0]! });
    s.scripts.set(key(B), { identity: peers[0]! });
    await s.handler.connect(A);
    expect(await codeOf(s.handler.connect(B))).toBe('REJECTED');
    expect(await s.peerOutcome.get(key(B))).toBe('Nack Already_connected');
  });

  it('the peer Nacks us → REJECTED_BY_NACK, its alternative points registered', async () => {
    const s = setup();
    s.scripts.set(key(A), { identity: peers[0]!, nack: { kind: 'Too_many_connections' }, alternatives: [C] });
    expect(await codeOf(s.handler.connect(A))).toBe('REJECTED_BY_NACK');
    expect(s.pool.points.info(C)).toBeDefined();
  });

  it('peer below our proof of work → authentication fails, address greylisted', async () => {
    const s = setup({ expectedProofOfWork: 24 });
    s.scripts.set(key(A), { identity: peers[0]! });
    expect(await codeOf(s.handler.connect(A))).toBe('NOT_ENOUGH_PROOF_OF_WORK');
    expect(s.pool.points.banned(A)).toBe(true);
    expect(s.reports).toContainEqual({ kind: 'address_greylisted', point: A });
  });
});

describe('connect handler decisions: incoming accept(stream)', () => {
  it('plain peer on our chain → Ack; new_connection reported', async () => {
    const s = setup();
    const { peer, settled } = s.incoming(A, { identity: peers[0]! });
    expect(await settled).toBe('accepted');
    expect(await peer).toBe('Ack');
    expect(s.reports).toContainEqual(
      expect.objectContaining({ kind: 'new_connection', peerId: peers[0]!.peerId, incoming: true }),
    );
  });

  it('banned address → refused before any crypto (incoming_refused banned)', async () => {
    const s = setup();
    s.pool.points.ban(A);
    s.incoming(A, 'silent');
    expect(s.reports).toContainEqual({ kind: 'incoming_refused', point: A, reason: 'banned' });
    expect(s.handler.pendingIncoming).toBe(0);
  });

  it('greylisted address → refused before any crypto (incoming_refused banned)', async () => {
    const s = setup();
    s.pool.greylistAddr(A.ip);
    s.incoming(A, 'silent');
    expect(s.reports).toContainEqual({ kind: 'incoming_refused', point: A, reason: 'banned' });
  });

  it('pending handshakes from one address at the per-address limit → too_many_incoming_from_address, not greylisted', async () => {
    const s = setup({ limits: { maxIncomingConnectionsPerAddress: 1 } });
    s.incoming(A, 'silent');
    s.incoming({ ip: A.ip, port: A.port + 1 }, 'silent');
    expect(s.reports).toContainEqual({
      kind: 'incoming_refused',
      point: { ip: A.ip, port: A.port + 1 },
      reason: 'too_many_incoming_from_address',
    });
    expect(s.handler.pendingIncoming).toBe(1);
    expect(s.pool.points.banned(A)).toBe(false);
  });

  it('pending handshakes at the global limit → too_many_incoming', async () => {
    const s = setup({ limits: { maxIncomingConnections: 1 } });
    s.incoming(A, 'silent');
    s.incoming(B, 'silent');
    expect(s.reports).toContainEqual({ kind: 'incoming_refused', point: B, reason: 'too_many_incoming' });
  });

  it('private mode, untrusted peer → closed silently (PRIVATE_MODE), no Nack', async () => {
    const s = setup({ privateMode: true });
    const { peer, settled } = s.incoming(A, { identity: peers[0]! });
    expect(await settled).toBe('PRIVATE_MODE');
    expect(await peer).toMatch(/^closed /);
    expect(s.reports.some((r) => r.kind === 'nack_sent')).toBe(false);
  });

  it('private mode, trusted peer → Ack', async () => {
    const s = setup({ privateMode: true });
    s.pool.peers.trust(peers[0]!.peerId);
    const { peer, settled } = s.incoming(A, { identity: peers[0]! });
    expect(await settled).toBe('accepted');
    expect(await peer).toBe('Ack');
  });

  it('private mode, trusted announced point → Ack', async () => {
    const s = setup({ privateMode: true });
    s.pool.points.setTrusted({ ip: A.ip, port: 19732 });
    const { peer, settled } = s.incoming(A, { identity: peers[0]!, listeningPort: 19732 });
    expect(await settled).toBe('accepted');
    expect(await peer).toBe('Ack');
  });

  it('banned peer → closed silently (PEER_BANNED), no Nack', async () => {
    const s = setup();
    s.pool.peers.ban(peers[0]!.peerId);
    const { peer, settled } = s.incoming(A, { identity: peers[0]! });
    expect(await settled).toBe('PEER_BANNED');
    expect(await peer).toMatch(/^closed /);
  });

  it('peer already connected → Nack Already_connected', async () => {
    const s = setup();
    const first = s.incoming(A, { identity: peers[0]! });
    expect(await first.settled).toBe('accepted');
    const { peer, settled } = s.incoming(B, { identity: peers[0]! });
    expect(await settled).toBe('REJECTED');
    expect(await peer).toBe('Nack Already_connected');
  });

  it('too many connections → Nack Too_many_connections', async () => {
    const s = setup({ limits: { minConnections: 1, expectedConnections: 1, maxConnections: 1 } });
    expect(await s.incoming(A, { identity: peers[0]! }).settled).toBe('accepted');
    const { peer, settled } = s.incoming(B, { identity: peers[1]! });
    expect(await settled).toBe('REJECTED');
    expect(await peer).toBe('Nack Too_many_connections');
  });

  it('wrong chain → Nack Unknown_chain_name, not greylisted', async () => {
    const s = setup();
    const { peer, settled } = s.incoming(A, { identity: peers[0]!, chainName: 'SOME_OTHER_CHAIN' });
    expect(await settled).toBe('REJECTED_NO_COMMON_PROTOCOL');
    expect(await peer).toBe('Nack Unknown_chain_name');
    expect(s.pool.points.banned(A)).toBe(false);
  });

  it('peer below our proof of work → address greylisted (later streams from it refused)', async () => {
    const s = setup({ expectedProofOfWork: 24 });
    const { settled } = s.incoming(A, { identity: peers[0]! });
    expect(await settled).toBe('NOT_ENOUGH_PROOF_OF_WORK');
    expect(s.reports).toContainEqual({ kind: 'address_greylisted', point: A });
    s.incoming({ ip: A.ip, port: A.port + 1 }, 'silent');
    expect(s.reports).toContainEqual({
      kind: 'incoming_refused',
      point: { ip: A.ip, port: A.port + 1 },
      reason: 'banned',
    });
  });

  it('silent peer past the authentication timeout → TIMEOUT, not greylisted', async () => {
    const s = setup({ limits: { authenticationTimeoutMs: 5_000 } });
    const { settled } = s.incoming(A, 'silent');
    let outcome: string | undefined;
    void settled.then((c) => (outcome = c));
    await s.clock.advance(4_999);
    expect(outcome).toBeUndefined();
    await s.clock.advance(1);
    expect(await settled).toBe('TIMEOUT');
    expect(s.pool.points.banned(A)).toBe(false);
    await vi.waitFor(() => expect(s.handler.pendingIncoming).toBe(0)); // the slot is released once settled
  });
});

describe('maintenance decisions over the same seams', () => {
  function maintenance(
    s: Setup,
    bounds: Pick<P2pLimits, 'minConnections' | 'expectedConnections' | 'maxConnections'>,
    o: { privateMode?: boolean; swapDisabled?: boolean } = {},
  ) {
    const m = new Maintenance({
      pool: s.pool,
      connectHandler: s.handler,
      bus: s.bus,
      clock: s.clock,
      rng: seededRng(3),
      bounds: maintenanceBounds(bounds),
      idleTimeMs: 600_000,
      privateMode: o.privateMode ?? false,
      ...(o.swapDisabled !== undefined ? { swapDisabled: o.swapDisabled } : {}),
    });
    cleanups.push(() => m.stop());
    return m;
  }

  it('too few connections → dials the known points', async () => {
    const s = setup();
    for (const [i, p] of [A, B].entries()) {
      s.scripts.set(key(p), { identity: peers[i]! });
      s.pool.registerPoint(p);
    }
    maintenance(s, { minConnections: 2, expectedConnections: 2, maxConnections: 2 }).start();
    await vi.waitFor(() => expect(s.pool.activeConnections).toBe(2));
    expect([...s.dialled].sort()).toEqual([key(A), key(B)]);
  });

  it('too many connections → disconnects down to the target', async () => {
    const s = setup();
    for (const [i, p] of [A, B, C].entries()) {
      s.scripts.set(key(p), { identity: peers[i]! });
      await s.handler.connect(p);
    }
    // min/expected/max 1/1/1: thresholds and targets all 1.
    maintenance(s, { minConnections: 1, expectedConnections: 1, maxConnections: 1 }).start();
    await vi.waitFor(() => expect(s.pool.activeConnections).toBe(1));
  });

  const swapRows: { name: string; o: { privateMode?: boolean; swapDisabled?: boolean }; sent: boolean }[] = [
    { name: 'within bounds → proposes a swap', o: {}, sent: true },
    { name: 'within bounds, private mode → no swap', o: { privateMode: true }, sent: false },
    { name: 'within bounds, swap disabled → no swap', o: { swapDisabled: true }, sent: false },
  ];
  for (const row of swapRows) {
    it(row.name, async () => {
      const s = setup();
      for (const [i, p] of [A, B].entries()) {
        s.scripts.set(key(p), { identity: peers[i]! });
        await s.handler.connect(p);
      }
      const m = maintenance(s, { minConnections: 2, expectedConnections: 2, maxConnections: 2 }, row.o);
      m.start();
      await m.maintain();
      expect(s.events.some((e) => e.kind === 'Swap_request_sent')).toBe(row.sent);
      expect(s.dialled).toHaveLength(2);
      expect(s.pool.activeConnections).toBe(2);
    });
  }
});
