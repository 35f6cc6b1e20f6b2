/**
 * IP addresses as Octez handles them: every address is an IPv6 address (IPv4 is stored
 * IPv4-mapped, `::ffff:a.b.c.d`), printed by ocaml-ipaddr's RFC 5952 `V6.to_string`.
 */

export class IpParseError extends RangeError {
  override readonly name = 'IpParseError';
  readonly code = 'INVALID_IP';
}

const DOT = 46;
const COLON = 58;

/** Parse `a.b.c.d` in text[start, end) into out[at..at+4); false when it is not a dotted quad. */
function parseV4Into(text: string, start: number, end: number, out: Uint8Array, at: number): boolean {
  let i = start;
  for (let k = 0; k < 4; k++) {
    let v = 0;
    let digits = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
      digits++;
      i++;
    }
    if (digits === 0 || digits > 3 || v > 255) return false;
    out[at + k] = v;
    if (k < 3) {
      if (i >= end || text.charCodeAt(i) !== DOT) return false;
      i++;
    }
  }
  return i === end;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function fail(text: string, why: string): never {
  throw new IpParseError(
    `not an IP address (${why}): ${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)}`,
  );
}

/** Parse an IPv4 or IPv6 literal (no brackets, no zone) into 16 bytes, IPv4 mapped into IPv6. */
export function ipToBytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  if (text.indexOf(':') < 0) {
    if (!parseV4Into(text, 0, text.length, out, 12)) fail(text, 'bad dotted quad');
    out[10] = 0xff;
    out[11] = 0xff;
    return out;
  }
  if (text.length > 45) fail(text, 'too long');
  // Groups before and after a '::', as 16-bit values; an IPv4 tail is two groups.
  const groups: number[] = [];
  let elideAt = -1;
  let i = 0;
  const n = text.length;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) fail(text, 'leading single colon');
    elideAt = 0;
    i = 2;
  }
  while (i < n) {
    let j = i;
    let v = 0;
    while (j < n && j - i < 5) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      v = (v << 4) | h;
      j++;
    }
    if (j < n && text.charCodeAt(j) === DOT) {
      // IPv4 tail: must be the rest of the text.
      if (groups.length > 6) fail(text, 'IPv4 tail after too many groups');
      const tail = new Uint8Array(4);
      if (!parseV4Into(text, i, n, tail, 0)) fail(text, 'bad IPv4 tail');
      groups.push((tail[0]! << 8) | tail[1]!, (tail[2]! << 8) | tail[3]!);
      i = n;
      break;
    }
    if (j === i || j - i > 4) fail(text, 'bad group');
    groups.push(v);
    if (j === n) {
      i = n;
      break;
    }
    if (text.charCodeAt(j) !== COLON) fail(text, 'unexpected character');
    if (text.charCodeAt(j + 1) === COLON) {
      if (elideAt >= 0) fail(text, "more than one '::'");
      elideAt = groups.length;
      i = j + 2;
    } else {
      if (j + 1 === n) fail(text, 'trailing colon');
      i = j + 1;
    }
  }
  if (elideAt >= 0) {
    if (groups.length > 7) fail(text, "'::' stands for no group");
    groups.splice(elideAt, 0, ...new Array<number>(8 - groups.length).fill(0));
  } else if (groups.length !== 8) fail(text, 'needs 8 groups');
  for (let g = 0; g < 8; g++) {
    out[2 * g] = groups[g]! >> 8;
    out[2 * g + 1] = groups[g]! & 0xff;
  }
  return out;
}

export function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/**
 * RFC 5952 text as ocaml-ipaddr prints it: lowercase, no leading zeros, the leftmost longest run
 * (of at least two) zero groups elided, and IPv4-mapped addresses ending in dotted form.
 */
export function formatIpv6(b: Uint8Array): string {
  const v4 = isV4Mapped(b);
  // Find the leftmost longest run of at least two zero groups, over all 8 groups as ocaml-ipaddr does.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (b[2 * i] !== 0 || b[2 * i + 1] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && b[2 * j] === 0 && b[2 * j + 1] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const shown = v4 ? 6 : 8;
  let out = '';
  for (let i = 0; i < shown; i++) {
    if (i === bestStart) {
      out += '::';
      i += bestLen - 1;
      continue;
    }
    if (out !== '' && !out.endsWith(':')) out += ':';
    out += ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16);
  }
  if (v4) out += `${out.endsWith(':') ? '' : ':'}${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  return out;
}

/**
 * The canonical display form used throughout this project: dotted quad for IPv4 (and IPv4-mapped)
 * addresses, RFC 5952 for the rest.
 */
export function canonicalIp(text: string): string {
  return displayIp(ipToBytes(text));
}

/** Canonical display form of 16 address bytes. */
export function displayIp(b: Uint8Array): string {
  return isV4Mapped(b) ? `${b[12]}.${b[13]}.${b[14]}.${b[15]}` : formatIpv6(b);
}

/** Octez's `P2p_addr` JSON form: always IPv6 text (`::ffff:127.0.0.1` for IPv4). */
export function ipToP2pAddr(text: string): string {
  return formatIpv6(ipToBytes(text));
}

export function isIpv4(text: string): boolean {
  return isV4Mapped(ipToBytes(text));
}

/**
 * The source an address is counted against when capping what one remote may hold: an IPv4 address
 * (mapped forms included), or an IPv6 /64. One IPv6 host commonly holds a whole /64 (SLAAC, privacy
 * addresses, AnyIP routes) and can bind any address in it, so a cap per IPv6 address would cap
 * nothing; a /64 is one LAN, like the hosts behind one NAT'd IPv4 address. Throws `IpParseError`.
 */
export function addressGroup(ip: string): string {
  const b = ipToBytes(ip);
  if (isV4Mapped(b)) return displayIp(b);
  b.fill(0, 8);
  return `${formatIpv6(b)}/64`;
}
