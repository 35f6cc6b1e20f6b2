/**
 * One entry of config.json `rpc.acl` as Octez writes it (`RPC_server.Acl.policy_encoding`): the
 * address (`host[:port]`, a port-less entry matching every port of that host) and exactly one of a
 * whitelist or a blacklist of endpoint patterns (`[METHOD ]/path/with/*` or `**`).
 * The config reader checks the shape; the RPC server's ACL module checks the patterns and the
 * address (`parseAclEntries`, which the config reader may call to refuse a bad file up front, as
 * octez-node does), resolves the host and picks, per listening address, the first entry for it.
 */
export type RpcAclJson =
  | { readonly address: string; readonly whitelist: readonly string[] }
  | { readonly address: string; readonly blacklist: readonly string[] };
