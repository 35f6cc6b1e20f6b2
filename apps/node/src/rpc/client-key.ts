import { displayIp, formatIpv6, ipToBytes, isV4Mapped } from '@tezos-p2p/wire';

/**
 * The client a connection is counted against for the per-address cap: an IPv4 address (mapped
 * forms included), or an IPv6 /64, since one IPv6 host commonly holds and can bind a whole /64.
 * Text Node does not give as an address (a socket already gone) is one client of its own.
 */
export function clientKey(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return 'unknown';
  let b: Uint8Array;
  try {
    b = ipToBytes(remoteAddress.replace(/%.*$/, ''));
  } catch {
    return remoteAddress;
  }
  if (isV4Mapped(b)) return displayIp(b);
  b.fill(0, 8);
  return `${formatIpv6(b)}/64`;
}
