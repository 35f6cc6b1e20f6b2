/**
 * The JSON the devnet's aggregated endpoints answer (`tzp2p devnet` registers them on node 0's RPC
 * server). Shared by the server, which builds it, and the page, which draws it, so both agree on it.
 */

/** Where the page and its endpoints are served on an RPC address. */
export const UI_PREFIX = '/ui/';

export const DEVNET_API = {
  /** GET: one `DevnetSnapshotJson`. */
  snapshot: '/ui/api/devnet',
  /** GET: a stream of `DevnetSnapshotJson` lines, one now and one after each change of the devnet. */
  monitor: '/ui/api/devnet/monitor',
  /** GET: a stream of `DevnetEventJson` lines, every node's `/network/log` merged. */
  log: '/ui/api/devnet/log',
} as const;

/** `P2p_stat.encoding`, as `/network/stat` answers it. */
export interface StatJson {
  readonly total_sent: string;
  readonly total_recv: string;
  readonly current_inflow: number;
  readonly current_outflow: number;
}

export interface DevnetConnectionJson {
  readonly peer_id: string;
  /** True when the remote dialled this node. */
  readonly incoming: boolean;
  /** The remote's address and port as the connection sees it. */
  readonly addr: string;
  readonly port: number | null;
  readonly stat: StatJson;
}

export interface DevnetNodeJson {
  readonly index: number;
  readonly peer_id: string;
  /** `host:port` of its P2P socket. */
  readonly p2p: string;
  /** Base URL of its RPC server; null when it has none. */
  readonly rpc: string | null;
  readonly stat: StatJson;
  readonly connections: readonly DevnetConnectionJson[];
  /** Peers this node has greylisted (`/network/greylist/peers`). */
  readonly greylisted_peers: readonly string[];
}

export interface DevnetSnapshotJson {
  readonly nodes: readonly DevnetNodeJson[];
}

/** One `/network/log` event of one node. */
export interface DevnetEventJson {
  readonly node: number;
  readonly event: Readonly<Record<string, unknown>>;
}
