import type { ConnectionPoint, NackMotive, PeerId, Point } from '@tezos-p2p/wire';

/** An error as a report carries it: its code (`P2pError`, `PoolError`… codes) and its message. */
export interface ReportedError {
  readonly code: string;
  readonly message: string;
}

/** The error of a report, from whatever was thrown (`code` is `UNKNOWN` when it has none). */
export function reportedError(e: unknown): ReportedError {
  const code =
    typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string'
      ? (e as { code: string }).code
      : 'UNKNOWN';
  return { code, message: e instanceof Error ? e.message : String(e) };
}

/** A UDP address and port, as the socket reports it. */
export interface DiscoveryEndpoint {
  readonly address: string;
  readonly port: number;
}

/** Why a received datagram was dropped as malformed. */
export type DiscoveryParseErrorReason =
  /** Not exactly 28 bytes. */
  | 'WRONG_SIZE'
  /** The source is not an IPv4 address. */
  | 'NOT_IPV4'
  /** The first 10 bytes are not `DISCOMAGIC`. */
  | 'BAD_MAGIC'
  /** The bytes do not decode as the datagram. */
  | 'UNDECODABLE'
  /** A negative announced port (the field is a signed int16): no point can be made of it. */
  | 'BAD_PORT';

/**
 * What LAN discovery reports (Octez's `[p2p; discovery]` section), one case per event name, plus
 * `ignored` for our own datagrams coming back (Octez drops them silently). Octez only logs
 * `parse_error` when the source address cannot be printed back; here every malformed datagram gets
 * one, with its reason.
 */
export type DiscoveryEvent =
  /** Binding the answer socket failed (`start` rejects with `BIND_FAILED`). */
  | { readonly kind: 'create_socket_error'; readonly address: string; readonly port: number; readonly error: string }
  /** Debug: a datagram was read, before any check. */
  | { readonly kind: 'message_received'; readonly source: DiscoveryEndpoint; readonly size: number }
  /** A malformed datagram was dropped. */
  | {
      readonly kind: 'parse_error';
      readonly source: DiscoveryEndpoint;
      readonly reason: DiscoveryParseErrorReason;
      readonly detail: string;
    }
  /** A well-formed datagram carrying our own peer id (our own broadcast, usually) was dropped. */
  | { readonly kind: 'ignored'; readonly source: DiscoveryEndpoint; readonly reason: 'OWN_PEER_ID' }
  /** Notice: a discovered point is being registered. */
  | { readonly kind: 'register_new'; readonly point: Point; readonly peerId: PeerId; readonly trusted: boolean }
  /** Debug: the sender is broadcasting its datagram now (emitted when it is handed to a fresh socket). */
  | { readonly kind: 'broadcast_message'; readonly destination: DiscoveryEndpoint }
  /** Debug: that broadcast failed; the sender goes on with its schedule. */
  | { readonly kind: 'broadcast_error'; readonly destination: DiscoveryEndpoint; readonly error: string }
  /**
   * Error: a receive error (`stopped: true`, the answer worker is shut down as in Octez, the sender
   * goes on), or the `register` callback threw (`stopped: false`, the datagram is counted as ignored).
   */
  | { readonly kind: 'unexpected_error'; readonly worker: 'answer'; readonly error: string; readonly stopped: boolean };

/** Why an incoming socket was refused before any handshake. */
export type IncomingRefusal = 'too_many_incoming' | 'too_many_incoming_from_address' | 'banned';

/** Why a maintenance step ran (Octez's `maintenance_started` motive). */
export type MaintenanceMotive =
  'Activation' | 'Last_maintenance' | 'Timer' | 'External_event' | 'Too_few_connections' | 'Too_many_connections';

/** What the connect handler reports besides its `P2pEvent`s. */
export type ConnectHandlerReport =
  | { readonly kind: 'incoming_refused'; readonly point: Point; readonly reason: IncomingRefusal }
  /** A pending incoming handshake (`point`) cancelled to give its slot to a socket from `by`. */
  | { readonly kind: 'incoming_evicted'; readonly point: Point; readonly by: Point }
  /** A failed handshake, with the `P2pError` code (`MYSELF` when we reached our own address). */
  | {
      readonly kind: 'authentication_failed';
      readonly point: Point;
      readonly incoming: boolean;
      readonly error: ReportedError;
    }
  /** A running peer greylisted (id and address) for a decoding error. */
  | { readonly kind: 'greylisted'; readonly peerId: PeerId; readonly point: ConnectionPoint; readonly motive: string }
  /** An address greylisted on its own: its handshake failed in a way that proves malice. */
  | { readonly kind: 'address_greylisted'; readonly point: Point }
  /** We refused an authenticated peer with a Nack (`motive`). */
  | { readonly kind: 'nack_sent'; readonly point: Point; readonly peerId: PeerId; readonly motive: NackMotive }
  /** We refused an authenticated peer without a Nack (Octez just closes): `PEER_BANNED`, `PRIVATE_MODE`, `IDENTITY_CHECK_FAILURE`. */
  | { readonly kind: 'refused_silently'; readonly point: Point; readonly peerId: PeerId; readonly error: ReportedError }
  /**
   * A handshake attempt settled (authentication, decision, Ack exchange): `accepted`, or the `P2pError`
   * code; `durationMs` from the accepted socket or the start of the dial, on the handler's clock.
   */
  | {
      readonly kind: 'handshake_settled';
      readonly point: Point;
      readonly incoming: boolean;
      readonly outcome: string;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'new_connection';
      readonly peerId: PeerId;
      readonly point: ConnectionPoint;
      readonly incoming: boolean;
    };

/** What a running connection reports (`P2p_conn`). */
export type P2pConnReport =
  /** A Bootstrap was not sent because peer discovery is disabled (Octez: warning `peer_discovery_disabled`). */
  | { readonly kind: 'peer_discovery_disabled'; readonly peerId: PeerId }
  /** A Bootstrap was read, whether or not peer discovery is disabled (Octez: debug `bootstrap_received`). */
  | { readonly kind: 'bootstrap_received'; readonly peerId: PeerId }
  /** An Advertise was read, with its points, whether or not peer discovery is disabled (Octez: debug `advertise_received`). */
  | { readonly kind: 'advertise_received'; readonly peerId: PeerId; readonly points: readonly Point[] };

/** What the answerers report (`P2p_protocol`). */
export type AnswererReport =
  | { readonly kind: 'private_node_request'; readonly peerId: PeerId }
  | {
      readonly kind: 'private_node_ignored';
      readonly message: 'Advertise' | 'Bootstrap' | 'Swap_request' | 'Swap_ack';
      readonly peerId: PeerId;
    }
  | { readonly kind: 'no_swap_candidate'; readonly peerId: PeerId }
  | { readonly kind: 'swap_failed'; readonly peerId: PeerId; readonly error: string };

/** What the maintenance reports (`P2p_maintenance`). */
export type MaintenanceReport =
  | { readonly kind: 'maintenance_started'; readonly motive: MaintenanceMotive; readonly connections: number }
  | { readonly kind: 'maintenance_ended'; readonly durationMs: number; readonly connections: number }
  | { readonly kind: 'connect_failed'; readonly point: Point; readonly error: string };

/** The long-running loops that report their own failure. */
export type WorkerName = 'maintenance' | 'connection';

/** What the pool and the workers' supervision report. */
export type SupervisionReport =
  /** peers.json could not be written (Octez's `save_peers_error`); the node keeps running. */
  | { readonly kind: 'save_peers_error'; readonly error: ReportedError }
  /** A worker loop threw: never silent; `restarted` says whether it was started again. */
  | {
      readonly kind: 'worker_failed';
      readonly worker: WorkerName;
      readonly error: ReportedError;
      readonly restarted: boolean;
    };

/**
 * Everything the workers report that is not an Octez `P2p_event` (those are `P2pEvent`s, streamed to
 * `/network/log`): what Octez prints through its event sections. One case per happening, published on
 * the same bus (`EventBus.report`, `reports$`) and in the same queue as the events, so the two
 * streams keep their relative order.
 */
export type P2pReport =
  ConnectHandlerReport | P2pConnReport | AnswererReport | MaintenanceReport | DiscoveryEvent | SupervisionReport;

export type P2pReportKind = P2pReport['kind'];
export type P2pReportOf<K extends P2pReportKind> = Extract<P2pReport, { kind: K }>;
