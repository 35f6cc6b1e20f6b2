import { type ConnectionPoint, type PeerId, type Point, connectionPointJson, pointToString } from '@tezos-p2p/wire';

/**
 * One case per constructor of Octez's `P2p_connection.P2p_event.t`, same names and fields, so our
 * event stream can be compared with an Octez node's `/network/log`.
 */
export type P2pEvent =
  | { readonly kind: 'Too_few_connections' }
  | { readonly kind: 'Too_many_connections' }
  | { readonly kind: 'New_point'; readonly point: Point }
  | { readonly kind: 'New_peer'; readonly peerId: PeerId }
  /** Remote socket point, before any check. */
  | { readonly kind: 'Incoming_connection'; readonly point: Point }
  | { readonly kind: 'Outgoing_connection'; readonly point: Point }
  | { readonly kind: 'Authentication_failed'; readonly point: Point }
  | {
      readonly kind: 'Accepting_request';
      readonly point: Point;
      readonly idPoint: ConnectionPoint;
      readonly peerId: PeerId;
    }
  | {
      readonly kind: 'Rejecting_request';
      readonly point: Point;
      readonly idPoint: ConnectionPoint;
      readonly peerId: PeerId;
    }
  | {
      readonly kind: 'Request_rejected';
      readonly point: Point;
      readonly identity?: { readonly idPoint: ConnectionPoint; readonly peerId: PeerId };
    }
  | { readonly kind: 'Connection_established'; readonly idPoint: ConnectionPoint; readonly peerId: PeerId }
  | { readonly kind: 'Disconnection'; readonly peerId: PeerId }
  | { readonly kind: 'External_disconnection'; readonly peerId: PeerId }
  | { readonly kind: 'Gc_points' }
  | { readonly kind: 'Gc_peer_ids' }
  | { readonly kind: 'Swap_request_received'; readonly source: PeerId }
  | { readonly kind: 'Swap_ack_received'; readonly source: PeerId }
  | { readonly kind: 'Swap_request_sent'; readonly source: PeerId }
  | { readonly kind: 'Swap_ack_sent'; readonly source: PeerId }
  | { readonly kind: 'Swap_request_ignored'; readonly source: PeerId }
  | { readonly kind: 'Swap_success'; readonly source: PeerId }
  | { readonly kind: 'Swap_failure'; readonly source: PeerId }
  | { readonly kind: 'Bootstrap_sent'; readonly source: PeerId }
  | { readonly kind: 'Bootstrap_received'; readonly source: PeerId }
  | { readonly kind: 'Advertise_sent'; readonly source: PeerId }
  | { readonly kind: 'Advertise_received'; readonly source: PeerId }
  /** No JSON case in Octez (`P2p_event.encoding` raises on it): never streamed to RPC clients. */
  | { readonly kind: 'Maintenance_started' }
  | { readonly kind: 'Maintenance_ended' };

export type P2pEventKind = P2pEvent['kind'];
export type P2pEventOf<K extends P2pEventKind> = Extract<P2pEvent, { kind: K }>;

/** Every kind, in Octez's binary tag order (tags 0–25), then the two unencodable ones. */
export const P2P_EVENT_KINDS: readonly P2pEventKind[] = [
  'Too_few_connections',
  'Too_many_connections',
  'New_point',
  'New_peer',
  'Incoming_connection',
  'Outgoing_connection',
  'Authentication_failed',
  'Accepting_request',
  'Rejecting_request',
  'Request_rejected',
  'Connection_established',
  'Disconnection',
  'External_disconnection',
  'Gc_points',
  'Gc_peer_ids',
  'Swap_request_received',
  'Swap_ack_received',
  'Swap_request_sent',
  'Swap_ack_sent',
  'Swap_request_ignored',
  'Swap_success',
  'Swap_failure',
  'Bootstrap_sent',
  'Bootstrap_received',
  'Advertise_sent',
  'Advertise_received',
  'Maintenance_started',
  'Maintenance_ended',
];

/**
 * The event as Octez's `/network/log` prints it (`{"event": "new_point", "point": …}`), or `undefined`
 * for the two kinds Octez cannot encode.
 */
export function p2pEventToJson(e: P2pEvent): Record<string, unknown> | undefined {
  const event = e.kind.toLowerCase();
  switch (e.kind) {
    case 'Too_few_connections':
    case 'Too_many_connections':
    case 'Gc_points':
    case 'Gc_peer_ids':
      return { event };
    case 'New_point':
    case 'Incoming_connection':
    case 'Outgoing_connection':
    case 'Authentication_failed':
      return { event, point: pointToString(e.point) };
    case 'New_peer':
    case 'Disconnection':
    case 'External_disconnection':
      return { event, peer_id: e.peerId };
    case 'Accepting_request':
    case 'Rejecting_request':
      return { event, point: pointToString(e.point), id_point: connectionPointJson(e.idPoint), peer_id: e.peerId };
    case 'Request_rejected':
      return e.identity === undefined
        ? { event, point: pointToString(e.point) }
        : {
            event,
            point: pointToString(e.point),
            identity: [connectionPointJson(e.identity.idPoint), e.identity.peerId],
          };
    case 'Connection_established':
      return { event, id_point: connectionPointJson(e.idPoint), peer_id: e.peerId };
    case 'Maintenance_started':
    case 'Maintenance_ended':
      return undefined;
    default:
      return { event, source: e.source };
  }
}
