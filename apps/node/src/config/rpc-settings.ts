import type { RpcAclJson } from '../rpc/acl/json.js';
import type { RpcConfigJson } from './config-json.js';
import { parseHostPort } from './host-port.js';
import type { ListenAddr } from './listen-addrs.js';
import { DEFAULT_RPC_PORT } from './networks.js';

export interface RpcSettings {
  /** Every address to serve on, names unresolved (start-up serves each address a name has). */
  readonly listen: readonly ListenAddr[];
  readonly acl: readonly RpcAclJson[];
}

type Entry = readonly [text: string, key: string];

function localAddrs(rpcAddr: string | undefined, rpc: RpcConfigJson | undefined): Entry[] {
  if (rpcAddr !== undefined) return [[rpcAddr, '--rpc-addr']];
  if (rpc?.['listen-addrs'] !== undefined) return rpc['listen-addrs'].map((t) => [t, 'rpc.listen-addrs']);
  if (rpc?.['listen-addr'] !== undefined) return [[rpc['listen-addr'], 'rpc.listen-addr']];
  return [];
}

/**
 * Where the RPC is served: `--rpc-addr` replaces config.json's local addresses (`rpc.listen-addrs`,
 * or the legacy `rpc.listen-addr`), and Octez's external RPC addresses are served too (Octez serves
 * the same RPCs there through a separate process). A host defaults to `localhost`, the port to 8732.
 * No address: no RPC server, as Octez.
 */
export function rpcSettings(rpcAddr: string | undefined, rpc: RpcConfigJson | undefined): RpcSettings | undefined {
  const external = (rpc?.['external-listen-addrs'] ?? []).map((t): Entry => [t, 'rpc.external-listen-addrs']);
  const all = [...localAddrs(rpcAddr, rpc), ...external];
  if (all.length === 0) return undefined;
  return {
    listen: all.map(([text, key]) => ({ ...parseHostPort(text, DEFAULT_RPC_PORT, key, 'localhost'), key })),
    acl: rpc?.acl ?? [],
  };
}
