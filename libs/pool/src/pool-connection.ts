import type { DisconnectReason } from '@tezos-p2p/connection';
import type { ConnectionPoint } from '@tezos-p2p/wire';
import type { PeerId } from '@tezos-p2p/wire';

/**
 * What the pool needs from a running connection. The P2P layer supplies its own connection objects;
 * the pool only tracks them and asks them to close.
 */
export interface PoolConnection {
  readonly peerId: PeerId;
  /** The remote address and listening port, when known. */
  readonly idPoint: ConnectionPoint;
  /** The remote announced itself private (`P2p_conn.private_node`). */
  readonly privateNode: boolean;
  /** Peer or point trusted when the connection was created (`P2p_conn.trusted_node`). */
  readonly trustedNode: boolean;
  disconnect(reason: DisconnectReason): Promise<void>;
}
