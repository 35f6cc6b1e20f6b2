import { anyOf, bool, int31, list, obj, oneOfStrings, string, stringOr, strings } from './schema-kit.js';

/**
 * `RPC_server.Acl.policy_encoding`: an address and exactly one of a whitelist or a blacklist (the
 * union's two cases each refuse the other's key). The patterns are the RPC server's to check.
 */
const aclEntry = anyOf(
  obj({ address: string, whitelist: strings }, ['address', 'whitelist']),
  obj({ address: string, blacklist: strings }, ['address', 'blacklist']),
);

/** `Config_file.rpc`. */
export const rpcSchema = obj({
  'listen-addrs': strings,
  'external-listen-addrs': strings,
  'listen-addr': string,
  'cors-origin': strings,
  'cors-headers': strings,
  crt: string,
  key: string,
  acl: list(aclEntry),
  'media-type': oneOfStrings(['json', 'binary', 'any']),
  max_active_rpc_connections: stringOr(oneOfStrings(['unlimited']), int31),
  'enable-http-cache-headers': bool,
});
