import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type PeerId, type Point, canonicalIp, isPeerId, makePoint } from '@tezos-p2p/wire';
import { ConfigError } from './errors.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
  /**
   * A `#peer_id` written after the address. Octez's `P2p_resolve.resolve_addr` parses it, then warns
   * that it is unused (`config_peer_id_unused`) for listening and discovery addresses.
   */
  readonly unusedPeerId?: string;
}

/**
 * `addr[:port][#peer_id]`, `[v6][:port]` or `:port` as Octez's `--net-addr` / `listen-addr` /
 * `--rpc-addr` / `discovery-addr` accept them; the host may be a name (resolved later). An empty
 * host, or `_` (`P2p_resolve`), means `defaultHost`: every address (`::`) unless told otherwise.
 */
export function parseHostPort(full: string, defaultPort: number, key: string, defaultHost = '::'): HostPort {
  const hash = full.indexOf('#');
  const text = hash < 0 ? full : full.slice(0, hash);
  const peerId = hash < 0 ? undefined : full.slice(hash + 1);
  if (peerId !== undefined && !isPeerId(peerId)) throw new ConfigError(key, 'a valid peer id after #', peerId);
  let host: string;
  let port: string | undefined;
  const m6 = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
  if (m6) {
    host = m6[1]!;
    port = m6[2];
  } else {
    const colons = text.split(':').length - 1;
    if (colons > 1)
      throw new ConfigError(key, 'an address like 0.0.0.0:9732 or [::]:9732 (brackets around IPv6)', text);
    [host, port] = colons === 1 ? (text.split(':') as [string, string]) : [text, undefined];
  }
  if (host === '' || host === '_') host = defaultHost;
  if (port !== undefined && !/^\d{1,5}$/.test(port)) throw new ConfigError(key, 'a port number', port);
  const p = port === undefined ? defaultPort : Number(port);
  if (p > 65535) throw new ConfigError(key, 'a port in 0..65535', p);
  return peerId === undefined ? { host, port: p } : { host, port: p, unusedPeerId: peerId };
}

/** Octez's `config_peer_id_unused` warning, for an address that carried a `#peer_id` where none is used. */
export function unusedPeerIdNote(key: string, a: HostPort | undefined): string[] {
  return a?.unusedPeerId === undefined ? [] : [`${key}: the peer id ${a.unusedPeerId} after the address is not used`];
}

export interface BootstrapPoint {
  readonly point: Point;
  readonly expectedPeerId?: PeerId;
}

/**
 * `resolve_bootstrap_addrs`: each `host[:port][#peer_id]` is resolved and every address becomes a
 * trusted point carrying the expected peer id. A name with no address is reported, not fatal.
 */
export async function resolvePeers(
  specs: readonly string[],
  defaultPort: number,
  warn: (msg: string) => void,
): Promise<BootstrapPoint[]> {
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
    for (const a of addresses)
      out.push(
        id === undefined
          ? { point: makePoint(a, hp.port) }
          : { point: makePoint(a, hp.port), expectedPeerId: id as PeerId },
      );
  }
  return out;
}

/** Octez's discovery address when `discovery-addr` gives none (`:10732`): `Ipaddr.V4.broadcast`. */
export const DEFAULT_DISCOVERY_ADDR = '255.255.255.255';

/** Where LAN discovery broadcasts, and the option or config key it came from (for errors). */
export interface DiscoveryAddr extends HostPort {
  readonly key: string;
}

/**
 * `--discovery-addr` / `p2p.discovery-addr` as Octez's `resolve_discovery_addrs` reads them:
 * `addr[:port]`, an empty address meaning the limited broadcast address `255.255.255.255`, the port
 * 10732 by default. Discovery is IPv4 only: an IPv4-mapped IPv6 literal is taken as its IPv4
 * address, any other IPv6 literal is refused. A name is kept as it is, for `resolveDiscoveryAddr`.
 */
export function parseDiscoveryAddr(text: string, defaultPort: number, key: string): DiscoveryAddr {
  const hp = parseHostPort(text, defaultPort, key, DEFAULT_DISCOVERY_ADDR);
  if (isIP(hp.host) === 0) return { ...hp, key };
  let ip: string;
  try {
    ip = canonicalIp(hp.host);
  } catch {
    ip = ':'; // a literal with a zone (fe80::1%eth0): IPv6
  }
  if (ip.includes(':')) throw new ConfigError(key, 'an IPv4 address or a name (LAN discovery is IPv4 only)', text);
  return { ...hp, host: ip, key };
}

/**
 * The discovery address to use, as `Config_file.resolve_discovery_addrs`: an IPv4 literal as it is; a
 * name resolved, its first IPv4 address (IPv4-mapped included) taken, and each IPv6 one skipped with a
 * warning (Octez's `cannot_convert_to_ipv4`). A name without an IPv4 address stops the start-up, as
 * Octez's "Cannot resolve P2P discovery address" does: a `ConfigError` naming the key.
 */
export async function resolveDiscoveryAddr(
  d: DiscoveryAddr,
  warn: (msg: string) => void = () => {},
): Promise<DiscoveryAddr> {
  if (isIP(d.host) === 4) return d;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(d.host, { all: true });
  } catch (e) {
    throw new ConfigError(
      d.key,
      'an IPv4 address or a name that resolves to one',
      `${d.host} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  for (const { address } of addresses) {
    const ip = canonicalIp(address);
    if (!ip.includes(':')) return { ...d, host: ip };
    warn(`${d.key}: ${d.host} resolves to ${ip}, which cannot be converted to IPv4; skipped`);
  }
  throw new ConfigError(d.key, 'a name with an IPv4 address (LAN discovery is IPv4 only)', d.host);
}
