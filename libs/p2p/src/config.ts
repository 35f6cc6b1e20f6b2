import type { CryptoBackend, Identity } from '@tezos-p2p/crypto';
import type { Clock, EventBus, Rng } from '@tezos-p2p/events';
import type { ReconnectionConfig } from '@tezos-p2p/pool';
import type { SessionTapFactory } from '@tezos-p2p/workers';
import type {
  ConnectionMetadataConfig,
  P2pMessageEncodingOptions,
  PeerId,
  PeerMetadataConfig,
  Point,
} from '@tezos-p2p/wire';

/** `P2p.config`: who we are and how we take part in the network. */
export interface P2pConfig {
  readonly identity: Identity;
  /** Listening address (default `::`, every IPv4 and IPv6 address). */
  readonly listenAddr?: string;
  /** Listening port; absent: no incoming connections (and port 0 is announced). 0 picks a free port. */
  readonly listeningPort?: number;
  /** Source address of outgoing connections (default: the system's choice). */
  readonly localAddress?: string;
  /** Port announced to peers, for nodes behind NAT (default: the listening port). */
  readonly advertisedPort?: number;
  /** LAN discovery is on only when this is set (Octez's `discovery-addr`, default off). */
  readonly discoveryAddr?: string;
  /** Default 10732. */
  readonly discoveryPort?: number;
  /** Bootstrap peers and `--peer`s: trusted, optionally with the peer id they must have. */
  readonly trustedPoints?: readonly { readonly point: Point; readonly expectedPeerId?: PeerId | undefined }[];
  /** peers.json (absent: no persistence); written at shutdown and every `peersFileSaveIntervalMs` when changed. */
  readonly peersFile?: string;
  /** Only trusted points and peers (default false). */
  readonly privateMode?: boolean;
  /** Proof of work required from peers (default 26). */
  readonly expectedProofOfWork?: number;
  readonly reconnection?: Partial<ReconnectionConfig>;
  /** Testing option of Octez (default false). */
  readonly disablePeerDiscovery?: boolean;
  /** Trust points found by LAN discovery (Octez: only in sandbox mode; default false). */
  readonly trustDiscoveredPeers?: boolean;
  /**
   * Called once per handshake attempt (incoming sockets that passed the early checks, outgoing
   * connections once TCP is up); the `SessionTap` it returns, if any, observes that session's raw
   * bytes and keys until it ends. For conformance transcripts of live sessions.
   */
  readonly sessionTap?: SessionTapFactory;
}

/** `P2p_params`: the application's messages and metadata, and the chain. */
export interface P2pParams<M, PM, CM> {
  readonly chainName: string;
  /** Default [0, 1, 2] (the L1 shell's). */
  readonly distributedDbVersions?: readonly number[];
  /** Default [0, 1]. */
  readonly p2pVersions?: readonly number[];
  readonly messages: P2pMessageEncodingOptions<M>;
  readonly peerMetadata: PeerMetadataConfig<PM>;
  readonly connectionMetadata: ConnectionMetadataConfig<CM>;
}

/** Injected runtime: tests pass a FakeClock, a seeded RNG, a shared bus or a forced crypto backend. */
export interface P2pRuntime {
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly bus?: EventBus;
  readonly backend?: CryptoBackend;
  /** Start listening, maintenance and discovery at once (default true); else call `start()`. */
  readonly start?: boolean;
}
