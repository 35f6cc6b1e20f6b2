import { type HostResolver, resolveHost } from './acl/resolve.js';
import { RpcServerError } from './rpc-error.js';

/** A configured listening address: a host (IP, name, or empty) and a port (0: any free one). */
export interface ListenAddr {
  readonly host: string;
  readonly port: number;
  /** The option or config key it came from (`--rpc-addr`, `rpc.listen-addrs`…), named in errors. */
  readonly key?: string;
}

/** One socket to bind: an IP address and the configured port. */
export interface ListenSocket {
  readonly ip: string;
  readonly port: number;
  /** The configured host it came from, for errors. */
  readonly host: string;
}

/**
 * `Config_file.resolve_rpc_listening_addrs` via `P2p_resolve.resolve_addr`: an empty host or `_` is
 * `localhost`, never every interface; a name yields one socket per address, each with its own ACL
 * (`init_local_rpc_server`). A host without an address stops the start-up, as in Octez.
 */
export async function resolveListenAddrs(
  listen: readonly ListenAddr[],
  resolve: HostResolver = resolveHost,
): Promise<ListenSocket[]> {
  const out: ListenSocket[] = [];
  for (const { host, port, key } of listen) {
    const node = host === '' || host === '_' ? 'localhost' : host;
    const ips = await resolve(node);
    if (ips.length === 0)
      throw new RpcServerError(
        `${key === undefined ? '' : `${key}: `}Cannot resolve listening address: ${JSON.stringify(host)}`,
      );
    for (const ip of ips) out.push({ ip, port, host });
  }
  return out;
}
