import { createSocket } from 'node:dgram';
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import { afterEach } from 'vitest';
import type { P2pEvent } from '@tezos-p2p/events';
import type { RawAppMessage, ShellConnectionMetadata, ShellPeerMetadata } from '@tezos-p2p/wire';
import { filter, firstValueFrom, timeout, type Observable } from 'rxjs';
import {
  type P2p,
  type P2pConfig,
  type P2pLimits,
  type P2pRuntime,
  createP2p,
  rawMessageParams,
} from '../src/index.js';

export type Node = P2p<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;
export const CHAIN = 'TEZOS_P2P_TEST';

let nextHost = 10;
/** A fresh loopback address per node (127.0.1.x), so greylisting one node's IP touches no other. */
export function freshHost(): string {
  nextHost = nextHost >= 250 ? 10 : nextHost + 1;
  return `127.0.${1 + (process.pid % 200)}.${nextHost}`;
}

/** A free TCP port on `host` that LAN discovery can announce (≤ 32767: a signed int16 on the wire). */
export async function announceablePort(host: string): Promise<number> {
  const { createServer } = await import('node:net');
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const s = createServer();
    const ok = await new Promise<boolean>((r) => s.once('error', () => r(false)).listen(port, host, () => r(true)));
    if (ok) {
      await new Promise<void>((r) => s.close(() => r()));
      return port;
    }
  }
}

export async function identity(): Promise<Identity> {
  return generateIdentity({ difficulty: 0, workers: 0 });
}

export interface NodeSpec {
  readonly config?: Partial<P2pConfig>;
  readonly limits?: Partial<P2pLimits>;
  readonly runtime?: P2pRuntime;
  readonly chainName?: string;
}

/** A running node listening on its own 127.0.x.y address, port chosen by the system. */
export async function startNode(spec: NodeSpec = {}): Promise<Node> {
  const host = spec.config?.listenAddr ?? freshHost();
  const id = spec.config?.identity ?? (await identity());
  const port = spec.config?.discoveryAddr !== undefined ? await announceablePort(host) : 0;
  return createP2p(
    { identity: id, listenAddr: host, localAddress: host, listeningPort: port, expectedProofOfWork: 0, ...spec.config },
    { maintenanceIdleTimeMs: null, ...spec.limits },
    rawMessageParams(spec.chainName ?? CHAIN, { privateMode: spec.config?.privateMode ?? false }),
    spec.runtime ?? {},
  ) as Promise<Node>;
}

export function pointOf(n: Node): { ip: string; port: number } {
  return { ip: (n as unknown as { config: P2pConfig }).config.listenAddr!, port: n.listeningPort! };
}

/** Resolves with the first event matching `pred` (subscribe before acting). */
export function nextEvent<T extends P2pEvent>(n: Node, pred: (e: P2pEvent) => e is T, ms?: number): Promise<T>;
export function nextEvent(n: Node, pred: (e: P2pEvent) => boolean, ms?: number): Promise<P2pEvent>;
export function nextEvent(n: Node, pred: (e: P2pEvent) => boolean, ms = 20_000): Promise<P2pEvent> {
  return firstValueFrom((n.events$ as Observable<P2pEvent>).pipe(filter(pred), timeout(ms)));
}

/** Waits until `check()` holds, re-evaluated on each event of the given nodes (no polling sleeps). */
export function until(
  nodes: readonly Node[],
  check: () => boolean,
  ms = 30_000,
  what: string | (() => string) = 'condition',
): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    // Re-check once the publishing code has finished its synchronous work: an event may be published
    // before the state it announces is complete (Connection_established precedes the peer's transition).
    const subs = nodes.map((n) =>
      n.events$.subscribe(() =>
        setImmediate(() => {
          if (check()) done();
        }),
      ),
    );
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${ms} ms waiting for ${typeof what === 'function' ? what() : what}`));
    }, ms);
    const cleanup = () => {
      clearTimeout(timer);
      subs.forEach((s) => s.unsubscribe());
    };
    let finished = false;
    const done = () => {
      if (finished) return;
      finished = true;
      cleanup();
      resolve();
    };
  });
}

export async function stopAll(nodes: readonly Node[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.stop()));
}

/**
 * `startNode` for a test file whose nodes are all shut down after each test: call once at the top of
 * the file and start nodes with the function it returns.
 */
export function nodesStoppedAfterEach(): (spec?: NodeSpec) => Promise<Node> {
  const running: Node[] = [];
  afterEach(async () => {
    await stopAll(running.splice(0));
  });
  return async (spec = {}) => {
    const n = await startNode(spec);
    running.push(n);
    return n;
  };
}

/** A UDP port free on 127.0.0.1 at the time of the call (for discovery, which needs a known port). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
