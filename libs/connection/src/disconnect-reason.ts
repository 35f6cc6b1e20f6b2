import type { ConnectionError } from './errors.js';

/** Why a connection ended (`P2p_disconnection_reason.t`, plus the transport-level causes). */
export type DisconnectReason =
  | { readonly kind: 'Explicit_RPC' }
  | { readonly kind: 'Unexpected_peer_id' }
  | { readonly kind: 'IP_manually_banned' }
  | { readonly kind: 'Peer_id_manually_banned' }
  | { readonly kind: 'Maintenance_too_many' }
  | { readonly kind: 'Peer_swapped' }
  | { readonly kind: 'Pool_destroyed' }
  | { readonly kind: 'User'; readonly message: string }
  /** The peer sent a Disconnect message. */
  | { readonly kind: 'Disconnect_received' }
  /** The peer closed the socket. */
  | { readonly kind: 'Connection_closed_by_peer' }
  /** Reading failed: bad MAC, undecodable message, socket error. */
  | { readonly kind: 'Read_error'; readonly error: ConnectionError }
  | { readonly kind: 'Write_error'; readonly error: ConnectionError }
  | { readonly kind: 'Unknown_reason' };

export function describeDisconnectReason(r: DisconnectReason): string {
  switch (r.kind) {
    case 'User':
      return `user: ${r.message}`;
    case 'Read_error':
    case 'Write_error':
      return `${r.kind}: ${r.error.code} (${r.error.message})`;
    default:
      return r.kind;
  }
}
