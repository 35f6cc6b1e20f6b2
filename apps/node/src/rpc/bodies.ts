import { type PeerId, isPeerId } from '@tezos-p2p/wire';
import { RpcError, echo } from './rpc-error.js';

export type Acl = 'ban' | 'trust' | 'open';
const ACLS: readonly string[] = ['ban', 'trust', 'open'];

/**
 * Refusals are resto's `Cannot_parse_body` (400, text/plain); what follows its fixed prefix is our
 * own explanation, json-data-encoding's wording not being reproduced.
 */
const bad = (why: string) => RpcError.badBody(why);

/** The body as an object with only `allowed` keys (Data_encoding refuses unknown fields). An empty body counts as `{}`. */
function object(body: unknown, allowed: readonly string[]): Readonly<Record<string, unknown>> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad(`expected a JSON object, got ${echo(JSON.stringify(body))}`);
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!allowed.includes(k))
      throw bad(`unexpected object field ${echo(k)} (expected ${allowed.length === 0 ? 'none' : allowed.join(', ')})`);
  return o;
}

function acl(v: unknown): Acl | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !ACLS.includes(v))
    throw bad(`at /acl, expected "ban", "trust" or "open", got ${echo(JSON.stringify(v))}`);
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
  if (p !== undefined && !isPeerId(p))
    throw bad(`at /peer_id, expected a Base58Check peer id, got ${echo(JSON.stringify(p))}`);
  return { acl: acl(o['acl']), peerId: p };
}
