/**
 * Loads js-libp2p 2.10 (TCP + Noise + yamux) for the peer-baseline benchmark. libp2p 2.10 calls
 * `Promise.withResolvers` (ES2024, Node ≥ 22), so it is polyfilled here, before the dynamic imports and
 * only in the bench threads that load libp2p: the project's libraries never see the polyfill.
 */
// Type-only imports are erased: the modules themselves load in `loadLibp2p`, after the polyfill.
import type * as LengthPrefixed from 'it-length-prefixed';
import type { multiaddr } from '@multiformats/multiaddr';
import type { Libp2p } from 'libp2p';

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

function polyfillWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = <T>(): Resolvers<T> => {
    let resolve!: Resolvers<T>['resolve'];
    let reject!: Resolvers<T>['reject'];
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/** The protocol of the throughput stream. */
export const BENCH_PROTOCOL = '/tezos-p2p-bench/1.0.0';

export interface Libp2pKit {
  /** A node on 127.0.0.1 (an ephemeral port when `listen`), TCP + Noise + yamux, limits opened up. */
  createNode(listen: boolean): Promise<Libp2p>;
  readonly lp: typeof LengthPrefixed;
  readonly multiaddr: typeof multiaddr;
}

export async function loadLibp2p(): Promise<Libp2pKit> {
  polyfillWithResolvers();
  const [{ createLibp2p }, { tcp }, { noise }, { yamux }, lp, { multiaddr }] = await Promise.all([
    import('libp2p'),
    import('@libp2p/tcp'),
    import('@chainsafe/libp2p-noise'),
    import('@chainsafe/libp2p-yamux'),
    import('it-length-prefixed'),
    import('@multiformats/multiaddr'),
  ]);
  return {
    lp,
    multiaddr,
    createNode: (listen) =>
      createLibp2p({
        addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        // The defaults (5 inbound connections per second per address, 10 pending upgrades) are abuse
        // limits that would cap the handshake benchmark; ours has no such limit in the measured path.
        connectionManager: {
          maxConnections: 10_000,
          inboundConnectionThreshold: 1e9,
          maxIncomingPendingConnections: 1_000,
        },
      }),
  };
}
