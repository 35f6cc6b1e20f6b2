import type { P2pConn } from '@tezos-p2p/p2p';
import type { RawAppMessage, ShellConnectionMetadata } from '@tezos-p2p/wire';
import type { NodeP2p } from '../rpc/index.js';

export type NodeConn = P2pConn<RawAppMessage, ShellConnectionMetadata>;

/**
 * Runs `loop` once for every connection, those running now and those established later, each on its
 * own: one connection's loop waiting (for a peer that does not read, say) holds up no other. The
 * result settles once `signal` is aborted and every loop has returned (a loop returns when its
 * connection closes, which the P2P layer's shutdown does for all of them); it rejects with the first
 * error a loop threw, once they are all done.
 */
export async function eachConnection(
  p2p: NodeP2p,
  signal: AbortSignal,
  loop: (conn: NodeConn) => Promise<void>,
): Promise<void> {
  const running = new Set<Promise<void>>();
  const started = new WeakSet<NodeConn>();
  let failure: { readonly error: unknown } | undefined;
  const start = (conn: NodeConn): void => {
    if (signal.aborted || started.has(conn)) return;
    started.add(conn);
    const p: Promise<void> = loop(conn)
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => running.delete(p));
    running.add(p);
  };
  const off = p2p.onConnection(start);
  for (const conn of p2p.connections()) start(conn);
  try {
    if (!signal.aborted)
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    off();
  }
  while (running.size > 0) await Promise.allSettled([...running]);
  if (failure !== undefined) throw failure.error;
}
