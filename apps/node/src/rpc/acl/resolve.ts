import { lookup } from 'node:dns/promises';
import { addressKey } from './address.js';
import type { AclEntry } from './entries.js';
import type { RpcAclJson } from './json.js';
import type { AclPolicy } from './policy.js';

/** An `rpc.acl` entry for one IP address. */
export interface ResolvedAclEntry {
  /** `addressKey` of the address. */
  readonly key: string;
  readonly port: number | undefined;
  readonly policy: AclPolicy;
  readonly source: RpcAclJson;
}

/** Resolves a host to its addresses (`getaddrinfo`); [] when it has none. */
export type HostResolver = (host: string) => Promise<string[]>;

/**
 * An empty host is `getaddrinfo`'s NULL node, which without `AI_PASSIVE` (Octez passes
 * `~passive:false`) means the loopback addresses.
 */
export const resolveHost: HostResolver = async (host) => {
  if (host === '') return ['::1', '127.0.0.1'];
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return [];
  }
};

/**
 * `RPC_server.Acl.resolve_domain_names`: each entry becomes one entry per address of its host, in
 * order; a host without addresses contributes nothing (reported in `unresolved`).
 */
export async function resolveAclEntries(
  entries: readonly AclEntry[],
  resolve: HostResolver = resolveHost,
): Promise<{ entries: ResolvedAclEntry[]; unresolved: RpcAclJson[] }> {
  const out: ResolvedAclEntry[] = [];
  const unresolved: RpcAclJson[] = [];
  for (const e of entries) {
    const ips = await resolve(e.address.addr);
    if (ips.length === 0) unresolved.push(e.source);
    for (const ip of ips) out.push({ key: addressKey(ip), port: e.address.port, policy: e.policy, source: e.source });
  }
  return { entries: out, unresolved };
}
