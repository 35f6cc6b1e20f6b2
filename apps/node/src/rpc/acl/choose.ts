import { addressKey, isInterfaceScope } from './address.js';
import { ALLOW_ALL, type AclPolicy, SECURE } from './policy.js';
import type { RpcAclJson } from './json.js';
import type { ResolvedAclEntry } from './resolve.js';

/** The policy of one listening address, and the `rpc.acl` entry it came from (none: the default). */
export interface ChosenPolicy {
  readonly policy: AclPolicy;
  readonly source: RpcAclJson | undefined;
}

/**
 * `find_policy` then `default`, as `node_run_command.ml launch_rpc_server` does: the first entry
 * whose address is the listening address and whose port is absent or equal to the listening port
 * wins; without one, a loopback address gets everything and any other (`0.0.0.0` and `::`
 * included) the secure policy. The client's address plays no part.
 */
export function choosePolicy(entries: readonly ResolvedAclEntry[], ip: string, port: number): ChosenPolicy {
  const key = addressKey(ip);
  const found = entries.find((e) => e.key === key && (e.port === undefined || e.port === port));
  if (found) return { policy: found.policy, source: found.source };
  return { policy: isInterfaceScope(ip) ? ALLOW_ALL : SECURE, source: undefined };
}
