import type { PeerId } from '@tezos-p2p/wire';
import { peerIdArg } from './args.js';
import { RpcError } from './rpc-error.js';

export type Acl = 'ban' | 'trust' | 'open';
const ACLS: readonly string[] = ['ban', 'trust', 'open'];

/** The body as an object with only `allowed` keys (Data_encoding refuses unknown fields). An empty body counts as `{}`. */
function object(body: unknown, allowed: readonly string[]): Readonly<Record<string, unknown>> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw RpcError.invalidArgument('body', JSON.stringify(body), 'expected a JSON object');
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw RpcError.invalidArgument(k, JSON.stringify(o[k]), `unexpected field (expected ${allowed.length === 0 ? 'none' : allowed.join(', ')})`);
  return o;
}

function acl(v: unknown): Acl | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !ACLS.includes(v)) throw RpcError.invalidArgument('acl', JSON.stringify(v), 'expected "ban", "trust" or "open"');
  return v as Acl;
}

/** `Data_encoding.empty` input (PUT /network/points/<point>). */
export function emptyBody(body: unknown): void {
  object(body, []);
}

/** PATCH /network/peers/<peer_id>: `{"acl"?}`. */
export function peerPatchBody(body: unknown): { acl: Acl | undefined } {
  return { acl: acl(object(body, ['acl'])['acl']) };
}

/** PATCH /network/points/<point>: `{"acl"?, "peer_id"?}`. */
export function pointPatchBody(body: unknown): { acl: Acl | undefined; peerId: PeerId | undefined } {
  const o = object(body, ['acl', 'peer_id']);
  const p = o['peer_id'];
  if (p !== undefined && typeof p !== 'string') throw RpcError.invalidArgument('peer_id', JSON.stringify(p), 'expected a peer id string');
  return { acl: acl(o['acl']), peerId: p === undefined ? undefined : peerIdArg(p) };
}
