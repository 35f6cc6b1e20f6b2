import { lookup } from 'node:dns/promises';
import { type PeerId, type Point, isPeerId, makePoint } from '@tezos-p2p/wire';
import { ConfigError } from './errors.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * `addr[:port]`, `[v6][:port]` or `:port` as Octez's `--net-addr` / `listen-addr` / `--rpc-addr`
 * accept them; the host may be a name (resolved later). An empty host means every address (`::`).
 */
export function parseHostPort(text: string, defaultPort: number, key: string): HostPort {
  let host: string;
  let port: string | undefined;
  const m6 = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (m6) {
    host = m6[1]!;
    port = m6[2];
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1) throw new ConfigError(key, 'an address like 0.0.0.0:9732 or [::]:9732 (brackets around IPv6)', text);
    [host, port] = colons === 1 ? (text.split(':') as [string, string]) : [text, undefined];
  }
  if (host === '') host = '::';
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new ConfigError(key, 'a port number', port);
  const p = port === undefined ? defaultPort : Number(port);
  if (p > 65535) throw new ConfigError(key, 'a port in 0..65535', p);
  return { host, port: p };
}

export interface BootstrapPoint {
  readonly point: Point;
  readonly expectedPeerId?: PeerId;
}

/**
 * `resolve_bootstrap_addrs`: each `host[:port][#peer_id]` is resolved and every address becomes a
 * trusted point carrying the expected peer id. A name with no address is reported, not fatal.
 */
export async function resolvePeers(specs: readonly string[], defaultPort: number, warn: (msg: string) => void): Promise<BootstrapPoint[]> {
  const out: BootstrapPoint[] = [];
  for (const spec of specs) {
    const [addr, id] = spec.split('#') as [string, string | undefined];
    if (id !== undefined && !isPeerId(id)) throw new ConfigError(`peer ${spec}`, 'a valid peer id after #', id);
    const hp = parseHostPort(addr, defaultPort, `peer ${spec}`);
    let addresses: string[];
    try {
      addresses = (await lookup(hp.host, { all: true })).map((a) => a.address);
    } catch (e) {
      warn(`no address found for peer ${spec} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      continue;
    }
    for (const a of addresses) out.push(id === undefined ? { point: makePoint(a, hp.port) } : { point: makePoint(a, hp.port), expectedPeerId: id as PeerId });
  }
  return out;
}
