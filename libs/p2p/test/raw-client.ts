/**
 * Raw TCP clients for hostile-peer and churn tests: each from a chosen 127.x.y.z source address, so a
 * greylisting of one never touches another, speaking the wire protocol by hand or through the
 * connection lib's handshake.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import { type AuthenticatedSocket, type IoScheduler, authenticate } from '@tezos-p2p/connection';
import type { Identity } from '@tezos-p2p/crypto';
import {
  type ShellConnectionMetadata,
  encodeConnectionMessageFrame,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import { EventBus, type P2pReport } from '@tezos-p2p/events';
import type { Node } from './harness.js';
import { CHAIN, pointOf } from './harness.js';

let nextClient = 0;
/**
 * A fresh source address for a raw client: one /16 per test process (127.100-199.y.z), apart from
 * the nodes' 127.0.x.y of the harness.
 */
export function clientHost(): string {
  const n = nextClient++;
  return `127.${100 + (process.pid % 100)}.${Math.floor(n / 250) % 250}.${1 + (n % 250)}`;
}

/** A TCP socket to `node` from `from`, with its `close` already awaited by `closed`. */
export interface RawSocket {
  readonly socket: Socket;
  /** Resolves once the socket is closed (by either side). */
  readonly closed: Promise<void>;
  /** Bytes received so far. */
  received(): number;
}

/** Connects from `from` to the node; resolves once TCP is up. Errors after that are swallowed. */
export function dialFrom(node: Node, from: string): Promise<RawSocket> {
  const { ip, port } = pointOf(node);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: ip, port, localAddress: from });
    let bytes = 0;
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('data', (b: Buffer) => (bytes += b.length));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve({ socket, closed, received: () => bytes });
    });
  });
}

/**
 * Whether the node refuses a connection from `from` at accept (a greylisted or banned address is
 * closed before any byte is written), or starts a handshake (it writes its connection message first).
 * The probe hangs up as soon as it knows.
 */
export async function probe(node: Node, from: string): Promise<'refused' | 'accepted'> {
  const { ip, port } = pointOf(node);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: ip, port, localAddress: from });
    let connected = false;
    let data = false;
    socket.once('connect', () => (connected = true));
    socket.once('data', () => {
      data = true;
      socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.once('close', () =>
      connected ? resolve(data ? 'accepted' : 'refused') : reject(new Error(`probe from ${from}: could not connect`)),
    );
  });
}

/** A well-formed connection message frame (2-byte length included) for `identity`. */
export function connectionMessageFrame(
  identity: Identity,
  opts: { chainName?: string; port?: number } = {},
): Uint8Array {
  return encodeConnectionMessageFrame({
    port: opts.port,
    publicKey: identity.publicKey,
    proofOfWorkStamp: identity.proofOfWorkStamp,
    messageNonce: new Uint8Array(24).fill(7),
    version: { chainName: opts.chainName ?? CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
  });
}

/** The connection lib's handshake as an outgoing peer over `raw`, up to (not including) the Ack. */
export function handshakeFrom(
  raw: RawSocket,
  node: Node,
  identity: Identity,
  opts: { chainName?: string; listeningPort?: number; scheduler?: IoScheduler; timeoutMs?: number } = {},
): Promise<AuthenticatedSocket<ShellConnectionMetadata>> {
  return authenticate(raw.socket, {
    identity,
    version: { chainName: opts.chainName ?? CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
    listeningPort: opts.listeningPort,
    expectedProofOfWork: 0,
    metadata: shellConnectionMetadataConfig(),
    incoming: false,
    remote: pointOf(node),
    timeoutMs: opts.timeoutMs ?? 10_000,
  });
}

/** Counts of the sockets, servers and timers this process holds (Node's resource list). */
export function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/**
 * The resources held once sockets being closed have finished closing (no event announces that): the
 * smallest count of each type over a few samples, so a baseline is not inflated by a closing socket.
 */
export async function settledResources(samples = 10, everyMs = 20): Promise<Record<string, number>> {
  const low = resources();
  for (let i = 0; i < samples; i++) {
    await new Promise((r) => setTimeout(r, everyMs));
    const now = resources();
    for (const k of Object.keys(low)) low[k] = Math.min(low[k]!, now[k] ?? 0);
  }
  return low;
}

/**
 * The resource types held more often than in `before` (a type held less often is no leak: the
 * runner's own timers come and go). Closes finish on later turns of the event loop, which no event
 * announces, so this polls a bounded number of times.
 */
export async function extraResources(
  before: Record<string, number>,
  tries = 50,
  everyMs = 20,
): Promise<Record<string, number>> {
  const extra = () => Object.fromEntries(Object.entries(resources()).filter(([k, n]) => n > (before[k] ?? 0)));
  for (let i = 0; i < tries && Object.keys(extra()).length > 0; i++) await new Promise((r) => setTimeout(r, everyMs));
  return extra();
}

/** A fresh bus (for `runtime.bus`) whose reports go to `record` from the start. */
export function reportingBus(record: (r: P2pReport) => void): EventBus {
  const bus = new EventBus();
  bus.reports$.subscribe(record);
  return bus;
}

/**
 * The error code of each failed authentication, by source address, from a node's reports (pass
 * `reportingBus(record)` as `runtime.bus`): the node's own reason, where a test would otherwise infer it from timings.
 */
export function authFailureLog(): {
  record: (e: P2pReport) => void;
  next: (ip: string) => Promise<string>;
  codes: Map<string, string[]>;
} {
  const codes = new Map<string, string[]>();
  const waiters = new Map<string, (code: string) => void>();
  return {
    codes,
    record: (e) => {
      if (e.kind !== 'authentication_failed') return;
      const { point, error } = e;
      codes.set(point.ip, [...(codes.get(point.ip) ?? []), error.code]);
      waiters.get(point.ip)?.(error.code);
      waiters.delete(point.ip);
    },
    next: (ip) => new Promise((r) => waiters.set(ip, r)),
  };
}
