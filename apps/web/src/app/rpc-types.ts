/** The parts of the `/network` RPC answers the page reads (shapes of apps/node/src/rpc/encoders.ts). */
import type { StatJson } from '../devnet-api.js';

export interface ConnectionJson {
  readonly incoming: boolean;
  readonly peer_id: string;
  readonly id_point: { readonly addr: string; readonly port?: number };
}

export interface PeerInfoJson {
  readonly trusted: boolean;
  readonly state: 'running' | 'accepted' | 'disconnected';
  readonly reachable_at?: { readonly addr: string; readonly port?: number };
  readonly stat: StatJson;
}

export interface PointInfoJson {
  readonly trusted: boolean;
  readonly greylisted_until?: string;
  readonly state: { readonly event_kind: 'requested' | 'accepted' | 'running' | 'disconnected' };
  readonly p2p_peer_id?: string;
  readonly last_established_connection?: readonly [string, string];
  readonly last_seen?: readonly [string, string];
}

export interface VersionJson {
  readonly chain_name: string;
  readonly distributed_db_version: number;
  readonly p2p_version: number;
}

export interface GreylistedIpsJson {
  readonly ips: readonly string[];
  readonly not_reliable_since: string | null;
}

/** One line of `/network/log`: `{"event": "<kind>", …fields}`. */
export type EventJson = Readonly<Record<string, unknown>> & { readonly event?: unknown };
