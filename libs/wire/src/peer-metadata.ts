import { jsonValidator } from './json-schema.js';

/**
 * How the caller describes per-peer metadata (`P2p_params.peer_meta_config`): only JSON, since
 * Octez persists it in peers.json and shows it in RPCs.
 */
export interface PeerMetadataConfig<PeerMeta> {
  initial(): PeerMeta;
  /** Used for ordering (peer GC evicts the lowest scores first). */
  score(meta: PeerMeta): number;
  toJson(meta: PeerMeta): unknown;
  /** Throws a descriptive error when `json` is not a valid metadata value. */
  fromJson(json: unknown): PeerMeta;
}

const MESSAGE_KINDS = [
  'branch',
  'head',
  'block_header',
  'operations',
  'protocols',
  'operation_hashes_for_block',
  'operations_for_block',
  'checkpoint',
  'protocol_branch',
  'predecessor_header',
  'other',
] as const;
const LEGACY_OPTIONAL = new Set(['checkpoint', 'protocol_branch', 'predecessor_header']);
const PREVALIDATOR = [
  'cannot_download',
  'cannot_parse',
  'refused_by_prefilter',
  'refused_by_postfilter',
  'applied',
  'branch_delayed',
  'branch_refused',
  'refused',
  'duplicate',
  'outdated',
] as const;

export type MessageKindCounter = (typeof MESSAGE_KINDS)[number];
type Counters<K extends string> = Record<K, string>;

/** The L1 shell's `Peer_metadata.t` in its JSON form (counters are decimal strings, as `Z.t`). */
export interface ShellPeerMetadata {
  responses: {
    sent: Counters<MessageKindCounter>;
    failed: Counters<MessageKindCounter>;
    received: Counters<MessageKindCounter>;
    unexpected: string;
    outdated: string;
  };
  requests: {
    sent: Counters<MessageKindCounter>;
    received: Counters<MessageKindCounter>;
    failed: Counters<MessageKindCounter>;
    scheduled: Counters<MessageKindCounter>;
  };
  valid_blocks: string;
  old_heads: string;
  prevalidator_results: Counters<(typeof PREVALIDATOR)[number]>;
  unactivated_chains: string;
  inactive_chains: string;
  future_blocks_advertised: string;
  unadvertised: { block: string; operations: string; protocol: string };
  advertisements: { sent: { head: string; branch: string }; received: { head: string; branch: string } };
}

const counter = { type: 'string', pattern: '^[0-9]+$' };
const group = (keys: readonly string[], optional: ReadonlySet<string> = new Set()) => ({
  type: 'object',
  additionalProperties: false,
  required: keys.filter((k) => !optional.has(k)),
  properties: Object.fromEntries(keys.map((k) => [k, counter])),
});
const messages = group(MESSAGE_KINDS, LEGACY_OPTIONAL);
const obj = (props: Record<string, object>) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(props),
  properties: props,
});

export const shellPeerMetadataSchema = obj({
  responses: obj({ sent: messages, failed: messages, received: messages, unexpected: counter, outdated: counter }),
  requests: obj({ sent: messages, received: messages, failed: messages, scheduled: messages }),
  valid_blocks: counter,
  old_heads: counter,
  prevalidator_results: group(PREVALIDATOR),
  unactivated_chains: counter,
  inactive_chains: counter,
  future_blocks_advertised: counter,
  unadvertised: group(['block', 'operations', 'protocol']),
  advertisements: obj({ sent: group(['head', 'branch']), received: group(['head', 'branch']) }),
});

const shellPeerMetadataJson = jsonValidator<ShellPeerMetadata>(shellPeerMetadataSchema);

function zeros<K extends string>(keys: readonly K[]): Counters<K> {
  return Object.fromEntries(keys.map((k) => [k, '0'])) as Counters<K>;
}

function emptyShellPeerMetadata(): ShellPeerMetadata {
  const m = () => zeros(MESSAGE_KINDS);
  return {
    responses: { sent: m(), failed: m(), received: m(), unexpected: '0', outdated: '0' },
    requests: { sent: m(), received: m(), failed: m(), scheduled: m() },
    valid_blocks: '0',
    old_heads: '0',
    prevalidator_results: zeros(PREVALIDATOR),
    unactivated_chains: '0',
    inactive_chains: '0',
    future_blocks_advertised: '0',
    unadvertised: { block: '0', operations: '0', protocol: '0' },
    advertisements: { sent: { head: '0', branch: '0' }, received: { head: '0', branch: '0' } },
  };
}

/** Legacy v0 message groups lack three counters, which then read as 0; output is always v1. */
function upgradeGroups(m: ShellPeerMetadata): ShellPeerMetadata {
  const fill = (g: Counters<MessageKindCounter>): Counters<MessageKindCounter> => ({ ...zeros(MESSAGE_KINDS), ...g });
  const c = structuredClone(m);
  c.responses.sent = fill(c.responses.sent);
  c.responses.failed = fill(c.responses.failed);
  c.responses.received = fill(c.responses.received);
  c.requests = {
    sent: fill(c.requests.sent),
    received: fill(c.requests.received),
    failed: fill(c.requests.failed),
    scheduled: fill(c.requests.scheduled),
  };
  return c;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** Add one to a counter addressed by its JSON path, e.g. `['requests', 'received', 'head']`. */
export function incrShellPeerMetadata(m: ShellPeerMetadata, path: readonly string[]): void {
  let o: unknown = m;
  for (const k of path.slice(0, -1)) o = isRecord(o) ? o[k] : undefined;
  const last = path[path.length - 1]!;
  const v = isRecord(o) ? o[last] : undefined;
  if (!isRecord(o) || typeof v !== 'string') throw new RangeError(`no counter at ${path.join('.')}`);
  o[last] = (BigInt(v) + 1n).toString();
}

/** The node's peer metadata: counters only, score always 1 (`Peer_metadata.score`). */
export const shellPeerMetadataConfig: PeerMetadataConfig<ShellPeerMetadata> = {
  initial: emptyShellPeerMetadata,
  score: () => 1.0,
  toJson: (m) => m,
  fromJson: (json) => upgradeGroups(shellPeerMetadataJson.check(json, 'peer_metadata')),
};
