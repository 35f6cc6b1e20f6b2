import { addressGroup } from '@tezos-p2p/wire';

/**
 * The client a connection is counted against for the per-address cap: `addressGroup` (an IPv4
 * address, or an IPv6 /64) of its zone-less address. Text Node does not give as an address (a socket
 * already gone) is one client of its own.
 */
export function clientKey(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return 'unknown';
  try {
    return addressGroup(remoteAddress.replace(/%.*$/, ''));
  } catch {
    return remoteAddress;
  }
}
