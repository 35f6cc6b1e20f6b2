import type { EventBus } from '@tezos-p2p/events';
import type { Pool } from '@tezos-p2p/pool';
import type { P2pConn } from '@tezos-p2p/workers';
import type { P2p } from '../src/p2p.js';

/**
 * Test-only: the pool and bus behind a facade, which `P2p` keeps private (upper layers use its named
 * methods). For libs/p2p's own tests; apps and tools must not use it.
 */
export function internals<M, PM, CM>(p2p: P2p<M, PM, CM>): { pool: Pool<P2pConn<M, CM>, PM, CM>; bus: EventBus } {
  const open = p2p as unknown as { pool: Pool<P2pConn<M, CM>, PM, CM>; bus: EventBus };
  return { pool: open.pool, bus: open.bus };
}
