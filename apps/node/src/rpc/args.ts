import { type PeerId, type Point, parsePeerId, parsePointWithPeerId } from '@tezos-p2p/wire';
import { parseAddrPortId } from './addr-port-id.js';
import { ocamlQuoted } from './ocaml-string.js';
import { RpcError } from './rpc-error.js';

/** A parsed query string: fastify gives repeated keys as arrays. */
export type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Why `P2p_point.Id.of_string` refuses `text`, in its words: the grammar's error (its message ends
 * with `.` and a newline, `Format`'s `@.`), a missing port, or an address that is not an IP literal.
 */
function pointRefusal(text: string): string {
  const r = parseAddrPortId(text);
  if (!r.ok) return `Parsing of '${text}' failed: ${r.reason}.\n`;
  if (r.port === undefined) return 'P2p_point.of_string_exn: no port';
  return 'P2p_point.of_string';
}

/**
 * `<point>` (`P2p_point.Id.rpc_arg`, type `point`): `a.b.c.d:port` or `[v6]:port`, port required, no
 * DNS; a trailing `#peer_id` is parsed and ignored, as in Octez.
 */
export function pointArg(text: string): Point {
  try {
    return parsePointWithPeerId(text).point;
  } catch {
    throw RpcError.badPathArgument('point', text, pointRefusal(text));
  }
}

/** `P2p_peer.Id`'s `destruct` message (`src/lib_crypto/helpers.ml rpc_arg`). */
export function peerIdRefusal(text: string): string {
  return `failed to decode Base58Check-encoded data (Crypto_box.Public_key_hash): ${ocamlQuoted(text)}`;
}

/** `<peer_id>` (`P2p_peer.Id.rpc_arg`, type `peer_id`): a Base58Check peer id. */
export function peerIdArg(text: string): PeerId {
  try {
    return parsePeerId(text);
  } catch {
    throw RpcError.badPathArgument('peer_id', text, peerIdRefusal(text));
  }
}

/** `Resto.Query.parse`'s refusal of one value. */
const badValue = (name: string, value: string, why: string) =>
  RpcError.badQuery(`Failed to parse argument '${name}' (${ocamlQuoted(value)}): ${why}`);

/** All values of a query parameter, in order. */
function values(query: Query, name: string): readonly string[] {
  const v = query[name];
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

/** The single value of a query parameter; resto refuses a duplicate. */
function single(query: Query, name: string): string | undefined {
  const vs = values(query, name);
  if (vs.length > 1) throw RpcError.badQuery(`Duplicate argument '${name}' in query string.`);
  return vs[0];
}

/** A flag (`?wait`, `?monitor`): present without value or with resto's true/false spellings. */
export function flagQuery(query: Query, name: string): boolean {
  const v = single(query, name);
  if (v === undefined) return false;
  switch (v.toLowerCase()) {
    case '':
    case 'true':
    case 't':
    case 'yes':
    case 'y':
      return true;
    case 'false':
    case 'f':
    case 'no':
    case 'n':
      return false;
    default:
      throw badValue(name, v, 'Cannot parse boolean value');
  }
}

/** `?filter=` repeated (`multi_field` of `P2p_point.Filter.rpc_arg` / `P2p_peer.Filter.rpc_arg`). */
export function filterQuery<F extends string>(query: Query, allowed: readonly F[]): F[] {
  return values(query, 'filter').map((v) => {
    if (!(allowed as readonly string[]).includes(v)) throw badValue('filter', v, `Invalid state: ${v}`);
    return v as F;
  });
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Node's timers take at most 2^31 − 1 ms; a longer delay would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * `?timeout=` (`Time.System.Span.rpc_arg`, float seconds), in milliseconds. Negative spans and spans
 * beyond Node's timers, which Octez takes, are refused with the same message.
 */
export function timeoutQuery(query: Query, defaultSeconds: number): number {
  const v = single(query, 'timeout');
  if (v === undefined) return defaultSeconds * 1000;
  const ms = DECIMAL.test(v) ? Number(v) * 1000 : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIMEOUT_MS)
    throw badValue('timeout', v, `failed to parse timespan: ${ocamlQuoted(v)}`);
  return Math.round(ms);
}
