import type { DisconnectReason } from '@tezos-p2p/connection';
import { EventBus, FakeClock, type P2pEvent, seededRng } from '@tezos-p2p/events';
import {
  type ConnectionPoint,
  type PeerId,
  type ShellPeerMetadata,
  peerIdFromBytes,
  shellPeerMetadataConfig,
} from '@tezos-p2p/wire';
import { Pool, type PoolConnection, type PoolOptions } from '../src/index.js';

export class FakeConn implements PoolConnection {
  readonly reasons: DisconnectReason[] = [];
  constructor(
    readonly peerId: PeerId,
    readonly idPoint: ConnectionPoint,
    readonly privateNode = false,
    readonly trustedNode = false,
  ) {}
  async disconnect(reason: DisconnectReason): Promise<void> {
    this.reasons.push(reason);
  }
}

export function peer(n: number): PeerId {
  const b = new Uint8Array(16);
  b[15] = n;
  b[14] = n >> 8;
  return peerIdFromBytes(b);
}

export const ME = peer(0xffff);

export type TestPool = Pool<FakeConn, ShellPeerMetadata, unknown>;

export function makePool(opts: Partial<PoolOptions<ShellPeerMetadata>> = {}): {
  pool: TestPool;
  clock: FakeClock;
  events: P2pEvent[];
  bus: EventBus;
} {
  const clock = new FakeClock(Date.UTC(2026, 4, 18, 10, 0, 0));
  const bus = new EventBus();
  const events: P2pEvent[] = [];
  bus.events$.subscribe((e) => events.push(e));
  const pool = new Pool<FakeConn, ShellPeerMetadata, unknown>({
    peerId: ME,
    peerMetadata: shellPeerMetadataConfig,
    clock,
    bus,
    rng: seededRng(42),
    ipGreylistSizeInKilobytes: 16,
    ...opts,
  });
  return { pool, clock, events, bus };
}

/** Drive a point and its peer to Running as the connect handler does. */
export function connect(
  pool: TestPool,
  ip: string,
  port: number,
  id: PeerId,
  opts: { privateNode?: boolean } = {},
): FakeConn {
  const info = pool.registerPoint({ ip, port });
  const now = pool.clock.now();
  info.setRequested(now, () => undefined);
  const pi = pool.registerPeer(id);
  info.setAccepted(now, id, () => undefined);
  pi.setAccepted(now, { ip, port }, () => undefined);
  const conn = new FakeConn(id, { ip, port }, opts.privateNode ?? false);
  info.setRunning(now, id, conn);
  info.setPrivate(opts.privateNode ?? false);
  pi.setRunning(now, { ip, port }, conn, {});
  pool.points.addConnected(info);
  pool.peers.addConnected(pi);
  return conn;
}
