import type { P2p } from '@tezos-p2p/p2p';
import type { NetworkVersion, RawAppMessage, ShellConnectionMetadata, ShellPeerMetadata } from '@tezos-p2p/wire';
import type { Logger } from 'pino';
import type { RpcAclJson } from './acl/json.js';
import type { AclPolicyType } from './acl/policy.js';
import type { RpcConnectionStats } from './connection-gate.js';
import type { RpcExtension } from './extension.js';
import type { ListenAddr } from './listen.js';
import type { RpcLimits } from './rpc-limits.js';

/** The P2P layer of the tzp2p node: opaque application messages with the L1 shell's metadata. */
export type NodeP2p = P2p<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;
export type NodePeerInfo = NonNullable<ReturnType<NodeP2p['peerInfo']>>;
export type NodePointInfo = NonNullable<ReturnType<NodeP2p['pointInfo']>>;

export interface RpcServerOptions {
  /**
   * Every address to serve (`rpc.listen-addrs` / `--rpc-addr`). A host may be a name (each of its
   * addresses is served) or empty (`localhost`); port 0 picks a free port (read it back from
   * `RpcServer.listeners`).
   */
  readonly listen: readonly ListenAddr[];
  /** config.json `rpc.acl`; an address without an entry gets Octez's default (see README). */
  readonly acl?: readonly RpcAclJson[];
  /** Where requests and failures are logged; absent or false: nothing is logged. */
  readonly logger?: Logger | false;
  /**
   * The version `GET /network/version` reports. Default: the one the P2P layer announces in its
   * handshakes (`P2p.announcedVersion`).
   */
  readonly announcedVersion?: NetworkVersion;
  /** Streams open at once, over every address; more are refused with 503 `tzp2p.rpc.too_many_streams` (default `MAX_RPC_STREAMS`, 64). */
  readonly maxStreams?: number;
  /** Timeouts and connection caps; each absent field has its default (`DEFAULT_RPC_LIMITS`, README "Limits"). */
  readonly limits?: Partial<RpcLimits>;
  /**
   * The descriptor limit the connection cap is budgeted against. Default: the soft `RLIMIT_NOFILE`
   * read from /proc/self/limits (static caps alone where /proc is missing); null: no budget.
   */
  readonly descriptorLimit?: number | null;
  /** Descriptors kept for the P2P layer. Default: `p2pDescriptorNeeds(p2p.limits)` (connections + handshakes + backlog + 64). */
  readonly p2pDescriptors?: number;
  /** Routes added on every address after the built-in ones, under the same ACL and stream cap (extension.ts). */
  readonly extensions?: readonly RpcExtension[];
}

/** One bound socket and the policy guarding it. */
export interface RpcListener {
  /** The IP address bound. */
  readonly host: string;
  /** The bound port. */
  readonly port: number;
  /** As Octez names it at start-up: `AllowAll`, `Secure` or `Custom`. */
  readonly acl: AclPolicyType;
  /** The `rpc.acl` entry that chose the policy; undefined: the default for the address. */
  readonly aclEntry: RpcAclJson | undefined;
}

export interface RpcServer {
  /** The first listener's bound port. */
  readonly port: number;
  /** Every bound socket, in the order of `listen` (a name's addresses in resolution order). */
  readonly listeners: readonly RpcListener[];
  /** RPC sockets open now, the caps in force, and how many were refused. */
  connections(): RpcConnectionStats;
  /** Stop listening, cut every open stream and wait for the server to close. Idempotent. */
  close(): Promise<void>;
}
