/**
 * `Time.Protocol` in JSON: RFC 3339 at second precision in UTC ("…Z") when Ptime can represent the
 * instant (years 0000 to 9999), else the decimal seconds, as Octez's `as_string_encoding` does.
 */
const MIN_RFC3339 = -62167219200n; // 0000-01-01T00:00:00Z
const MAX_RFC3339 = 253402300799n; // 9999-12-31T23:59:59Z

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function protocolTimestampToJson(seconds: bigint): string {
  if (seconds < MIN_RFC3339 || seconds > MAX_RFC3339) return seconds.toString();
  const d = new Date(Number(seconds) * 1000);
  // Formatted by hand: toISOString would add milliseconds and a sign or two extra digits to years.
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}
