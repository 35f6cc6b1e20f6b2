import { type PeerId, type Point, parsePeerId, parsePointWithPeerId } from '@tezos-p2p/wire';
import { RpcError } from './rpc-error.js';

/** A parsed query string: fastify gives repeated keys as arrays. */
export type Query = Readonly<Record<string, string | readonly string[] | undefined>>;

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * `<point>` (`P2p_point.Id.rpc_arg`): `a.b.c.d:port` or `[v6]:port`, port required, no DNS; a trailing
 * `#peer_id` is parsed and ignored, as in Octez.
 */
export function pointArg(text: string): Point {
  try {
    return parsePointWithPeerId(text).point;
  } catch (e) {
    throw RpcError.invalidArgument('point', text, reason(e));
  }
}

/** `<peer_id>` (`P2p_peer.Id.rpc_arg`): a Base58Check peer id. */
export function peerIdArg(text: string, parameter = 'peer_id'): PeerId {
  try {
    return parsePeerId(text);
  } catch (e) {
    throw RpcError.invalidArgument(parameter, text, reason(e));
  }
}

/** All values of a query parameter, in order. */
function values(query: Query, name: string): readonly string[] {
  const v = query[name];
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

/** The single value of a query parameter; resto refuses a duplicate. */
function single(query: Query, name: string): string | undefined {
  const vs = values(query, name);
  if (vs.length > 1) throw RpcError.invalidArgument(name, vs.join('&'), `duplicate argument '${name}' in query string`);
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
      throw RpcError.invalidArgument(name, v, 'cannot parse boolean value');
  }
}

/** `?filter=` repeated (`multi_field`); each value must be one of `allowed`. */
export function filterQuery<F extends string>(query: Query, allowed: readonly F[]): F[] {
  return values(query, 'filter').map((v) => {
    if (!(allowed as readonly string[]).includes(v)) throw RpcError.invalidArgument('filter', v, `invalid state, expected one of ${allowed.join(', ')}`);
    return v as F;
  });
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Node's timers take at most 2^31 − 1 ms; a longer delay would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** `?timeout=` (`Time.System.Span.rpc_arg`, float seconds), in milliseconds. */
export function timeoutQuery(query: Query, defaultSeconds: number): number {
  const v = single(query, 'timeout');
  if (v === undefined) return defaultSeconds * 1000;
  const ms = DECIMAL.test(v) ? Number(v) * 1000 : Number.NaN;
  if (!Number.isFinite(ms)) throw RpcError.invalidArgument('timeout', v, 'expected a span of time in seconds');
  if (ms < 0 || ms > MAX_TIMEOUT_MS) throw RpcError.invalidArgument('timeout', v, `expected between 0 and ${MAX_TIMEOUT_MS / 1000} seconds`);
  return Math.round(ms);
}
