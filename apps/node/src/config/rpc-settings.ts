import { parseAclEntries } from '../rpc/acl/entries.js';
import { AclError } from '../rpc/acl/errors.js';
import type { RpcAclJson } from '../rpc/acl/json.js';
import { ConfigError } from './errors.js';
import type { RpcConfigJson } from './config-json.js';
import { parseHostPort } from './host-port.js';
import type { ListenAddr } from './listen-addrs.js';
import { DEFAULT_RPC_PORT } from './networks.js';

export interface RpcSettings {
  /** Every address to serve on, names unresolved (start-up serves each address a name has). */
  readonly listen: readonly ListenAddr[];
  readonly acl: readonly RpcAclJson[];
  /**
   * `rpc.max_active_rpc_connections`: RPC connections open at once (`unlimited`: as many as the
   * descriptor budget allows). Absent: the RPC server's default (100, Octez's).
   */
  readonly maxConnections?: number;
}

type Entry = readonly [text: string, key: string];

/** `unlimited`: no cap of our own; the descriptor budget still lowers it to what the process can hold. */
const UNLIMITED_RPC_CONNECTIONS = 2 ** 31 - 1;

function localAddrs(rpcAddr: string | readonly string[] | undefined, rpc: RpcConfigJson | undefined): Entry[] {
  if (rpcAddr !== undefined) return (typeof rpcAddr === 'string' ? [rpcAddr] : rpcAddr).map((t) => [t, '--rpc-addr']);
  if (rpc?.['listen-addrs'] !== undefined) return rpc['listen-addrs'].map((t) => [t, 'rpc.listen-addrs']);
  if (rpc?.['listen-addr'] !== undefined) return [[rpc['listen-addr'], 'rpc.listen-addr']];
  return [];
}

/**
 * Where the RPC is served: `--rpc-addr` (repeatable, as octez-node's) replaces config.json's local addresses (`rpc.listen-addrs`,
 * or the legacy `rpc.listen-addr`), and Octez's external RPC addresses are served too (Octez serves
 * the same RPCs there through a separate process). A host defaults to `localhost`, the port to 8732.
 * No address: no RPC server, as Octez.
 */
export function rpcSettings(
  rpcAddr: string | readonly string[] | undefined,
  rpc: RpcConfigJson | undefined,
): RpcSettings | undefined {
  const acl = rpc?.acl ?? [];
  checkAcl(acl);
  const external = (rpc?.['external-listen-addrs'] ?? []).map((t): Entry => [t, 'rpc.external-listen-addrs']);
  const all = [...localAddrs(rpcAddr, rpc), ...external];
  if (all.length === 0) return undefined;
  const max = rpc?.max_active_rpc_connections;
  // Octez's int31 lets 0 or less through, which would serve nobody: refused here.
  if (typeof max === 'number' && max < 1)
    throw new ConfigError('rpc.max_active_rpc_connections', 'a positive number of connections or "unlimited"', max);
  return {
    listen: all.map(([text, key]) => ({ ...parseHostPort(text, DEFAULT_RPC_PORT, key, 'localhost'), key })),
    acl,
    ...(max === undefined ? {} : { maxConnections: max === 'unlimited' ? UNLIMITED_RPC_CONNECTIONS : max }),
  };
}

/** octez-node refuses a config.json whose ACL patterns or addresses do not parse, whether or not the RPC is served. */
function checkAcl(acl: readonly RpcAclJson[]): void {
  try {
    parseAclEntries(acl);
  } catch (e) {
    if (e instanceof AclError)
      throw new ConfigError(
        e.location ? `rpc.acl[${e.location.entry}].${e.location.field}` : 'rpc.acl',
        `an ACL ${e.code === 'INVALID_ACL_PATTERN' ? 'pattern' : 'address'} (${e.reason})`,
        e.text,
      );
    throw e;
  }
}
