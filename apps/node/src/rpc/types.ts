import type { P2p } from '@tezos-p2p/p2p';
import type { NetworkVersion, RawAppMessage, ShellConnectionMetadata, ShellPeerMetadata } from '@tezos-p2p/wire';
import type { Logger } from 'pino';

/** The P2P layer of the tzp2p node: opaque application messages with the L1 shell's metadata. */
export type NodeP2p = P2p<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;
export type NodePeerInfo = NonNullable<ReturnType<NodeP2p['peerInfo']>>;
export type NodePointInfo = NonNullable<ReturnType<NodeP2p['pointInfo']>>;

export interface RpcServerOptions {
  readonly host: string;
  /** 0 picks a free port (read it back from `RpcServer.port`). */
  readonly port: number;
  /** Where requests and failures are logged; absent or false: nothing is logged. */
  readonly logger?: Logger | false;
  /**
   * The version `GET /network/version` reports. Default: the one the P2P layer announces in its
   * handshakes (`P2p.announcedVersion`).
   */
  readonly announcedVersion?: NetworkVersion;
  /** Streams open at once; more are refused with 503 `tzp2p.rpc.too_many_streams` (default `MAX_RPC_STREAMS`, 64). */
  readonly maxStreams?: number;
}

export interface RpcServer {
  /** The bound port. */
  readonly port: number;
  /** Stop listening, cut every open stream and wait for the server to close. Idempotent. */
  close(): Promise<void>;
}
