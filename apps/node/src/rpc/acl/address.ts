import { ipToBytes, ipToP2pAddr } from '@tezos-p2p/wire';
import { parseAddrPortId } from '../addr-port-id.js';
import { AclError } from './errors.js';

/** An `rpc.acl` address (`P2p_point.Id.addr_port_id`): a host (IP or name) and maybe a port. */
export interface AclAddress {
  /** As written, brackets removed; `''` or `'_'` when left empty. */
  readonly addr: string;
  /** undefined: the entry applies to every port of the address. */
  readonly port: number | undefined;
}

const invalid = (text: string, why: string) => new AclError('INVALID_ACL_ADDRESS', text, `${why} in address`);

/**
 * `parse_addr_port_id` as `RPC_server.Acl.endpoint_encoding` uses it, with its error messages. A
 * peer id is accepted (and checked) but plays no part in matching, as in Octez.
 */
export function parseAclAddress(text: string): AclAddress {
  const r = parseAddrPortId(text);
  if (!r.ok) throw invalid(text, r.reason);
  return { addr: r.addr, port: r.port };
}

/** A zone (`fe80::1%eth0`) is lost in Octez's `Ipaddr` conversion; it is dropped here too. */
const withoutZone = (ip: string): string => ip.replace(/%.*$/, '');

/**
 * The text Octez compares listening and ACL addresses by (`Ipaddr.V6.to_string`): IPv6 form,
 * IPv4 as `::ffff:a.b.c.d`, so `127.0.0.1` and `::ffff:127.0.0.1` are the same address.
 */
export function addressKey(ip: string): string {
  return ipToP2pAddr(withoutZone(ip));
}

/**
 * `Ipaddr.V6.scope ip = Interface`, Octez's test for granting everything by default: `::1`, IPv4
 * loopback `127.0.0.0/8` (as `::ffff:127.x.y.z`), and interface-local multicast `ffx1::/16`.
 */
export function isInterfaceScope(ip: string): boolean {
  const b = ipToBytes(withoutZone(ip));
  const head = b.subarray(0, 10).every((x) => x === 0);
  if (head && b[10] === 0xff && b[11] === 0xff) return b[12] === 127;
  if (b[0] === 0xff) return (b[1]! & 0x0f) === 1;
  return head && b[10] === 0 && b[11] === 0 && b.subarray(12, 15).every((x) => x === 0) && b[15] === 1;
}
