import type { PeerId, Point } from '@tezos-p2p/wire';

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
 * What Octez logs in its `[p2p; discovery]` section, one case per event name, plus `ignored` for our
 * own datagrams coming back (Octez drops them silently). Octez only logs `parse_error` when the
 * source address cannot be printed back; here every malformed datagram gets one, with its reason.
 */
export type DiscoveryEvent =
  /** Binding the answer socket failed (`start` rejects with `BIND_FAILED`). */
  | { readonly kind: 'create_socket_error'; readonly address: string; readonly port: number; readonly error: string }
  /** Debug: a datagram was read, before any check. */
  | { readonly kind: 'message_received'; readonly source: DiscoveryEndpoint; readonly size: number }
  /** A malformed datagram was dropped. */
  | { readonly kind: 'parse_error'; readonly source: DiscoveryEndpoint; readonly reason: DiscoveryParseErrorReason; readonly detail: string }
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

export type DiscoveryEventKind = DiscoveryEvent['kind'];

/** Datagram counters, for tests and metrics. `received` = `registered` + `ignored`. */
export interface DiscoveryStats {
  /** Datagrams the sender handed to the kernel successfully. */
  readonly sent: number;
  /** Datagrams read by the answer socket. */
  readonly received: number;
  /** Received datagrams whose point was registered. */
  readonly registered: number;
  /** Received datagrams dropped (malformed, ours, or refused by `register`). */
  readonly ignored: number;
}
