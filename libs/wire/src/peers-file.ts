import { canonicalIp } from './ip.js';
import { TIMESTAMP_PATTERN, type ConnectionPointJson, parseTimestamp } from './json-conventions.js';
import { jsonValidator } from './json-schema.js';
import { parsePeerId } from './peer-id.js';

/** Peer pool event kinds as Octez writes them in JSON (`P2p_peer.Pool_event.kind_encoding`). */
export type PeerEventKindJson =
  | 'incoming_request'
  | 'rejecting_request'
  | 'request_rejected'
  | 'connection_established'
  | 'disconnection'
  | 'external_disconnection';

export interface PeerEventJson {
  kind: PeerEventKindJson;
  timestamp: string;
  addr: string;
  port?: number;
}

export type StampedConnectionPointJson = [ConnectionPointJson, string];

/** One element of peers.json (`P2p_peer_state.Info.encoding`), keys in Octez's order. */
export interface PeersFileEntry<MetaJson = unknown> {
  peer_id: string;
  created: string;
  trusted?: boolean;
  peer_metadata: MetaJson;
  events?: PeerEventJson[];
  last_failed_connection?: StampedConnectionPointJson;
  last_rejected_connection?: StampedConnectionPointJson;
  last_established_connection?: StampedConnectionPointJson;
  last_disconnection?: StampedConnectionPointJson;
}

const timestamp = { type: 'string', pattern: TIMESTAMP_PATTERN };
const connectionPoint = {
  type: 'object',
  additionalProperties: false,
  required: ['addr'],
  properties: { addr: { type: 'string', minLength: 2 }, port: { type: 'integer', minimum: 0, maximum: 65535 } },
};
const stamped = {
  type: 'array',
  minItems: 2,
  maxItems: 2,
  items: [connectionPoint, timestamp],
  additionalItems: false,
};

export const peersFileSchema = {
  $id: 'https://tezos-p2p-ts/peers.json',
  title: 'Octez known peers (peers.json)',
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['peer_id', 'created', 'peer_metadata'],
    properties: {
      peer_id: { type: 'string', pattern: '^id[1-9A-HJ-NP-Za-km-z]{28}$' },
      created: timestamp,
      trusted: { type: 'boolean' },
      peer_metadata: { description: 'checked by the peer-metadata configuration' },
      events: {
        type: 'array',
        maxItems: 100,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'timestamp', 'addr'],
          properties: {
            kind: {
              enum: [
                'incoming_request',
                'rejecting_request',
                'request_rejected',
                'connection_established',
                'disconnection',
                'external_disconnection',
              ],
            },
            timestamp,
            addr: { type: 'string', minLength: 2 },
            port: { type: 'integer', minimum: 0, maximum: 65535 },
          },
        },
      },
      last_failed_connection: stamped,
      last_rejected_connection: stamped,
      last_established_connection: stamped,
      last_disconnection: stamped,
    },
  },
} as const;

/**
 * The values a pool parses when it restores an entry, which the schema only shapes: a peer id with a bad
 * checksum, a timestamp beyond the Date range or an address that is no IP would fail later, in the
 * pool's constructor (found by tools/fuzz).
 */
function valueProblems(entries: PeersFileEntry[]): string[] {
  const problems: string[] = [];
  const check = (where: string, parse: () => unknown) => {
    try {
      parse();
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message}`);
    }
  };
  entries.forEach((e, i) => {
    check(`${i}.peer_id`, () => parsePeerId(e.peer_id));
    check(`${i}.created`, () => parseTimestamp(e.created));
    (e.events ?? []).forEach((ev, j) => {
      check(`${i}.events.${j}.timestamp`, () => parseTimestamp(ev.timestamp));
      check(`${i}.events.${j}.addr`, () => canonicalIp(ev.addr));
    });
    for (const key of [
      'last_failed_connection',
      'last_rejected_connection',
      'last_established_connection',
      'last_disconnection',
    ] as const) {
      const stamped = e[key];
      if (stamped === undefined) continue;
      check(`${i}.${key}.0.addr`, () => canonicalIp(stamped[0].addr));
      check(`${i}.${key}.1`, () => parseTimestamp(stamped[1]));
    }
  });
  return problems;
}

export const peersFile = jsonValidator<PeersFileEntry[]>(peersFileSchema, valueProblems);
