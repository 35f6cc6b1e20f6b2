import { isPeerId } from '@tezos-p2p/wire';

/**
 * `src/lib_base/point_parser.mll`, the grammar of points in RPC paths and of `rpc.acl` addresses:
 * ipv4 | [ipv6] | domain | optional `_`, then `:port` and `#peer_id`, both optional.
 */
export type AddrPortId =
  | { readonly ok: true; readonly addr: string; readonly port: number | undefined; readonly peerId: string | undefined }
  | { readonly ok: false; readonly reason: string };

const GRAMMAR = /^(\[[a-fA-F0-9:.]+\]|[a-zA-Z0-9.-]+|_?)(?::([0-9]+))?(?:#([a-zA-Z0-9]+))?$/;

/** `parse_full_addr`, with `string_of_parsing_error`'s messages; brackets are removed from the address. */
export function parseAddrPortId(text: string): AddrPortId {
  const m = GRAMMAR.exec(text);
  if (!m) return { ok: false, reason: 'expected <addr>[:<port>][#<peer_id>]' };
  const [, host = '', portText, peerId] = m;
  const port = portText === undefined ? undefined : Number(portText);
  // Checked in this order by `make_full_addr`.
  if (port !== undefined && port > 65535) return { ok: false, reason: `port '${port}' not in range [0-65535]` };
  if (peerId !== undefined && !isPeerId(peerId))
    return { ok: false, reason: `peer id '${peerId}' is not valid (b58 format expected)` };
  return { ok: true, addr: host.startsWith('[') ? host.slice(1, -1) : host, port, peerId };
}
