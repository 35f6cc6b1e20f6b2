import { type Encoding, checkSize, conv, string } from '@tezos-p2p/encoding';
import { IpParseError, canonicalIp, displayIp, ipToBytes } from './ip.js';
import { isPeerId } from './peer-id.js';

/**
 * A P2P point: an IP address and a TCP port. `ip` is always canonical (dotted quad for IPv4,
 * RFC 5952 for IPv6), so `pointToString` is a stable identity usable as a Map key.
 */
export interface Point {
  readonly ip: string;
  readonly port: number;
}

export class PointParseError extends RangeError {
  override readonly name = 'PointParseError';
  readonly code = 'INVALID_POINT';
}

function checkPort(port: number, text: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new PointParseError(`port out of range in ${JSON.stringify(text)}`);
  return port;
}

function parsePort(portText: string, text: string): number {
  const n = portText.length;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = portText.charCodeAt(i);
    if (c < 48 || c > 57 || n > 5)
      throw new PointParseError(`bad port ${JSON.stringify(portText)} in ${JSON.stringify(text)}`);
    v = v * 10 + (c - 48);
  }
  if (n === 0) throw new PointParseError(`empty port in ${JSON.stringify(text)}`);
  return v;
}

export function makePoint(ip: string, port: number): Point {
  let canonical: string;
  try {
    canonical = canonicalIp(ip);
  } catch (e) {
    throw new PointParseError((e as Error).message);
  }
  return { ip: canonical, port: checkPort(port, `${ip}:${port}`) };
}

/** `a.b.c.d:port` for IPv4 (and IPv4-mapped) addresses, `[v6]:port` otherwise (`P2p_point.Id.pp`). */
export function pointToString(p: Point): string {
  return p.ip.includes(':') ? `[${p.ip}]:${p.port}` : `${p.ip}:${p.port}`;
}

export function pointEquals(a: Point, b: Point): boolean {
  return a.ip === b.ip && a.port === b.port;
}

export interface ParsePointOptions {
  /** Port used when the text has none; without it a missing port is an error (as on the wire). */
  defaultPort?: number;
}

/**
 * Parse `addr[:port][#peer_id]` with the grammar of Octez's point parser, restricted (as
 * `P2p_point.Id.of_string_exn`) to IP literals: IPv4 dotted quad or bracketed IPv6. A `#id…` suffix
 * must be a valid peer id and is returned separately.
 */
export function parsePointWithPeerId(text: string, opts: ParsePointOptions = {}): { point: Point; peerId?: string } {
  let rest = text;
  let peerId: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    peerId = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
    if (!isPeerId(peerId)) throw new PointParseError(`invalid peer id suffix in ${JSON.stringify(text)}`);
  }
  let addr: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new PointParseError(`missing ']' in ${JSON.stringify(text)}`);
    addr = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':'))
        throw new PointParseError(`unexpected ${JSON.stringify(after)} after ']' in ${JSON.stringify(text)}`);
      portText = after.slice(1);
    }
  } else {
    const colon = rest.indexOf(':');
    addr = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    // Outside brackets only a dotted quad is an IP literal (domains are refused on the wire).
    if (addr.indexOf(':') >= 0 || addr.indexOf('.') < 0)
      throw new PointParseError(`not an IP literal: ${JSON.stringify(addr)} in ${JSON.stringify(text)}`);
  }
  let port: number;
  if (portText === undefined) {
    if (opts.defaultPort === undefined) throw new PointParseError(`missing port in ${JSON.stringify(text)}`);
    port = opts.defaultPort;
  } else {
    port = parsePort(portText, text);
  }
  let bytes: Uint8Array;
  try {
    bytes = ipToBytes(addr);
  } catch (e) {
    throw new PointParseError(e instanceof IpParseError ? e.message : String(e));
  }
  const ip = displayIp(bytes);
  return peerId === undefined
    ? { point: { ip, port: checkPort(port, text) } }
    : { point: { ip, port: checkPort(port, text) }, peerId };
}

export function parsePoint(text: string, opts: ParsePointOptions = {}): Point {
  return parsePointWithPeerId(text, opts).point;
}

/** `4 + 8·4 + 7 + 2 + 1 + 5` = 51 bytes (`P2p_point.Id.encoding`). */
export const POINT_MAX_ENCODED_SIZE = 51;

/**
 * A point on the wire is its text form as a uint30-length string, at most 51 bytes in all. An
 * unparsable string fails decoding (Octez fails the whole message).
 */
export const pointEncoding: Encoding<Point> = checkSize(
  POINT_MAX_ENCODED_SIZE,
  conv(string, pointToString, (s) => parsePoint(s), 'p2p_point.id'),
);
