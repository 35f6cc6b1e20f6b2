import { type Matcher, type RestoMethod, matches, parseMatcher, sameMatcher } from './matcher.js';
import { SECURE_WHITELIST } from './secure.js';

/**
 * `Resto.Acl.t`: allow everything but the listed requests (a config.json `blacklist`), or deny
 * everything but them (a `whitelist`).
 */
export type AclPolicy =
  | { readonly kind: 'allow_all'; readonly except: readonly Matcher[] }
  | { readonly kind: 'deny_all'; readonly except: readonly Matcher[] };

/** `Resto.Acl.allowed`. */
export function allowed(policy: AclPolicy, method: RestoMethod, path: readonly string[]): boolean {
  const listed = policy.except.some((m) => matches(m, method, path));
  return policy.kind === 'allow_all' ? !listed : listed;
}

/** `RPC_server.Acl.allow_all`: what a loopback address gets by default. */
export const ALLOW_ALL: AclPolicy = { kind: 'allow_all', except: [] };

/** `RPC_server.Acl.secure`: what any other address gets by default. */
export const SECURE: AclPolicy = { kind: 'deny_all', except: SECURE_WHITELIST.map(parseMatcher) };

/** How Octez names a policy in its start-up event (`RPC_server.Acl.policy_type`). */
export type AclPolicyType = 'Secure' | 'AllowAll' | 'Custom';

function samePolicy(a: AclPolicy, b: AclPolicy): boolean {
  return (
    a.kind === b.kind && a.except.length === b.except.length && a.except.every((m, i) => sameMatcher(m, b.except[i]!))
  );
}

/** Structural, as Octez's `p = secure`: a config entry spelling out the default is `Secure` too. */
export function policyType(p: AclPolicy): AclPolicyType {
  return samePolicy(p, SECURE) ? 'Secure' : samePolicy(p, ALLOW_ALL) ? 'AllowAll' : 'Custom';
}
