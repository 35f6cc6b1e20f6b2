import type { NetworkVersion } from './network-version.js';
import { type NackMotive, nackMotive } from './rejection.js';

export interface LocalVersions {
  readonly chainName: string;
  readonly distributedDbVersions: readonly number[];
  readonly p2pVersions: readonly number[];
}

export type VersionSelection =
  { readonly ok: true; readonly version: NetworkVersion } | { readonly ok: false; readonly motive: NackMotive };

/** Octez `may_select_version`: our best if the peer can do it, else the peer's if we support it. */
function mayselect(accepted: readonly number[], remote: number): number | undefined {
  const best = Math.max(...accepted);
  if (best <= remote) return best;
  return accepted.includes(remote) ? remote : undefined;
}

/**
 * Negotiate versions as `P2p_connect_handler.select`: the chain names must be byte-equal, then the
 * distributed-db version, then the p2p version.
 */
export function selectVersion(local: LocalVersions, remote: NetworkVersion): VersionSelection {
  if (local.chainName !== remote.chainName) return { ok: false, motive: nackMotive('Unknown_chain_name') };
  const ddb = mayselect(local.distributedDbVersions, remote.distributedDbVersion);
  if (ddb === undefined) return { ok: false, motive: nackMotive('Deprecated_distributed_db_version') };
  const p2p = mayselect(local.p2pVersions, remote.p2pVersion);
  if (p2p === undefined) return { ok: false, motive: nackMotive('Deprecated_p2p_version') };
  return { ok: true, version: { chainName: local.chainName, distributedDbVersion: ddb, p2pVersion: p2p } };
}
