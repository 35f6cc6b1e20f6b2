/**
 * Octez's RPC access control (`resto/src/acl.ml`, `RPC_server.Acl`): patterns, policies, the choice
 * of a policy per listening address, and the fastify hook enforcing it.
 */
export type { RpcAclJson } from './json.js';
export { AclError, type AclErrorCode, type AclErrorLocation } from './errors.js';
export { type Matcher, type RestoMethod, parseMatcher, matches } from './matcher.js';
export { requestPath } from './path.js';
export { type AclPolicy, type AclPolicyType, ALLOW_ALL, SECURE, allowed, policyType } from './policy.js';
export { SECURE_WHITELIST } from './secure.js';
export { type AclAddress, parseAclAddress, addressKey, isInterfaceScope } from './address.js';
export { type AclEntry, parseAclEntries } from './entries.js';
export { type HostResolver, type ResolvedAclEntry, resolveAclEntries, resolveHost } from './resolve.js';
export { type ChosenPolicy, choosePolicy } from './choose.js';
export { aclHook } from './hook.js';
