/**
 * Data_encoding JSON conventions Octez uses in files and RPCs (shared/spec/config.md §6).
 */
import { ipToP2pAddr } from './ip.js';

/** RFC 3339 with 3 fractional digits and the `-00:00` offset, as `Time.System.rfc_encoding`. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '-00:00');
}

/** Text that is not a timestamp, or one outside what a JavaScript Date (and so `formatTimestamp`) holds. */
export class TimestampParseError extends RangeError {
  override readonly name = 'TimestampParseError';
  readonly code = 'INVALID_TIMESTAMP';
}

/** ±100,000,000 days around the epoch: the range of a JavaScript Date. */
const MAX_DATE_MS = 8.64e15;

/**
 * Accepts RFC 3339 text, or a decimal string of seconds since the epoch (Octez's second JSON case).
 * Seconds beyond the Date range are refused here: accepted, they would make `formatTimestamp` throw
 * when the value is written back (peers.json is rewritten from what was loaded).
 */
export function parseTimestamp(text: string): number {
  if (/^-?\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    if (!(Math.abs(ms) <= MAX_DATE_MS))
      throw new TimestampParseError(
        `timestamp out of range: ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text)}`,
      );
    return ms;
  }
  const ms = Date.parse(text.replace(/-00:00$/, 'Z'));
  if (Number.isNaN(ms))
    throw new TimestampParseError(
      `not a timestamp: ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)}`,
    );
  return ms;
}

export const TIMESTAMP_PATTERN =
  '^(-?[0-9]+|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))$';

/** `P2p_connection.Id.t`: a remote address with its listening port when known (a `Point` is one). */
export interface ConnectionPoint {
  readonly ip: string;
  readonly port: number | undefined;
}

/** `P2p_connection.Id.t` in JSON: `{"addr": …}`, with `"port"` when known. */
export interface ConnectionPointJson {
  readonly addr: string;
  readonly port?: number;
}

export function connectionPointJson({ ip, port }: ConnectionPoint): ConnectionPointJson {
  return port === undefined ? { addr: ipToP2pAddr(ip) } : { addr: ipToP2pAddr(ip), port };
}
