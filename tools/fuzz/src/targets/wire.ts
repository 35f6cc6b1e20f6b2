import fc from 'fast-check';
import { getCryptoBackend, parseIdentityFile, peerIdOf } from '@tezos-p2p/crypto';
import { bytesEqual, toHex } from '@tezos-p2p/encoding';
import { shellAppMessages } from '@tezos-p2p/shell';
import {
  type PeerId,
  type ShellPeerMetadata,
  ackEncoding,
  canonicalIp,
  decodeConnectionMessageFrame,
  discoveryDatagramEncoding,
  encodeConnectionMessageFrame,
  formatTimestamp,
  identityFromJson,
  ipToBytes,
  ipToP2pAddr,
  isPeerId,
  makePoint,
  networkVersionEncoding,
  p2pMessageEncoding,
  parsePeerId,
  parsePointWithPeerId,
  parseTimestamp,
  peerIdToBytes,
  peersFile,
  pointEncoding,
  pointToString,
  rawAppMessages,
  shellConnectionMetadataEncoding,
  shellPeerMetadataConfig,
} from '@tezos-p2p/wire';
import * as A from '../arbitraries.js';
import { corpus } from '../corpus.js';
import { fixtureSeeds } from '../fixtures.js';
import { decoderTarget } from '../decoder-target.js';
import { mutatedJson } from '../json-mutate.js';
import { bytesInput, mutatedText } from '../mutate.js';
import { pooled } from '../pool.js';
import { hugeClaims } from '../claims.js';
import { type FuzzTarget, OracleViolation, hex, showJson } from '../target.js';

// ---- string parsers ----

export interface PointText {
  readonly text: string;
  readonly defaultPort: number | undefined;
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const b58Text = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...B58), minLength: min, maxLength: max });

const pointTextValid = fc.oneof(
  A.point.map(pointToString),
  fc.tuple(A.point, A.peerId).map(([p, id]) => `${pointToString(p)}#${id}`),
  fc.tuple(A.point, b58Text(0, 32)).map(([p, id]) => `${pointToString(p)}#${id}`),
  A.ipv4,
  A.ipv6.map((ip) => `[${ip}]`),
  // Non-canonical spellings Octez also reads: leading zeros, upper case, IPv4 tails.
  fc.tuple(A.ipv6, fc.nat(65535)).map(([ip, port]) => `[${ip.toUpperCase()}]:${String(port).padStart(5, '0')}`),
  fc.tuple(A.ipv4, fc.nat(65535)).map(([ip, port]) => `[::ffff:${ip}]:${port}`),
);

const pointTextInput: fc.Arbitrary<PointText> = fc.record({
  text: fc.oneof(
    { weight: 2, arbitrary: pointTextValid },
    { weight: 5, arbitrary: mutatedText(pointTextValid) },
    {
      weight: 2,
      arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.[]#%/ -+x'), maxLength: 60 }),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  ),
  defaultPort: fc.option(fc.constantFrom(0, 9732, 65535, 65536, -1, 1.5), { nil: undefined }),
});

/**
 * `parsePointWithPeerId` and the IP parsers on near-valid text. A parsed point prints to text that
 * parses back to the same point, and `makePoint` agrees with it.
 */
function runPointText({ text, defaultPort }: PointText): void {
  try {
    canonicalIp(text);
    ipToBytes(text);
  } catch (e) {
    if (!(e instanceof Error && e.name === 'IpParseError')) throw e;
  }
  const { point } = parsePointWithPeerId(text, defaultPort === undefined ? {} : { defaultPort });
  const again = parsePointWithPeerId(pointToString(point)).point;
  if (again.ip !== point.ip || again.port !== point.port)
    throw new OracleViolation('oracle', `${pointToString(point)} parses back as ${pointToString(again)}`);
  const made = makePoint(point.ip, point.port);
  if (made.ip !== point.ip || made.port !== point.port)
    throw new OracleViolation('oracle', `makePoint disagrees: ${pointToString(made)}`);
}

const peerIdText: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: A.peerId },
  { weight: 4, arbitrary: mutatedText(A.peerId, 2) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(A.peerId, fc.nat(29), fc.constantFrom(...B58))
      .map(([id, at, c]) => id.slice(0, at) + c + id.slice(at + 1)),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('id', 'i', 'Id', ''), b58Text(0, 34)).map(([p, s]) => p + s) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

/** `parsePeerId` and `isPeerId` agree, and an accepted id is already canonical. */
function runPeerId(text: string): void {
  const claimed = isPeerId(text);
  let parsed: PeerId;
  try {
    parsed = parsePeerId(text);
  } catch (e) {
    if (claimed)
      throw new OracleViolation('oracle', `isPeerId accepts ${JSON.stringify(text)}, parsePeerId refuses it`);
    throw e;
  }
  if (parsed !== text)
    throw new OracleViolation('oracle', `${JSON.stringify(text)} parses to the different id ${parsed}`);
  if (!claimed) throw new OracleViolation('oracle', `parsePeerId accepts ${JSON.stringify(text)}, isPeerId refuses it`);
  if (peerIdToBytes(parsed).length !== 16) throw new OracleViolation('oracle', 'a peer id is not 16 bytes');
}

// ---- JSON files ----

export interface JsonInput {
  readonly json: unknown;
  /** When set, the text given to the file parser instead of `JSON.stringify(json)`. */
  readonly text: string | undefined;
}

const backend = () => getCryptoBackend();

/** identity.json: consistent (keys derive, peer_id matches) or not. */
const identityDoc: fc.Arbitrary<unknown> = fc
  .record({
    sk: A.bytesN(32),
    stamp: A.bytesN(24),
    consistent: fc.boolean(),
    withPeerId: fc.boolean(),
    other: A.bytesN(32),
  })
  .map(({ sk, stamp, consistent, withPeerId, other }) => {
    const pk = consistent ? backend().publicKey(sk) : other;
    const doc: Record<string, string> = {
      public_key: toHex(pk),
      secret_key: toHex(sk),
      proof_of_work_stamp: toHex(stamp),
    };
    return withPeerId ? { peer_id: peerIdOf(backend(), pk), ...doc } : doc;
  });

function jsonInput(valid: fc.Arbitrary<unknown>, realTexts: readonly string[] = []): fc.Arbitrary<JsonInput> {
  // Documents are costly to build (a consistent identity derives a public key; peers.json holds ~80
  // counters per peer): a pool of them is drawn once and mutated. Real files join both pools.
  const real = realTexts.map((t) => JSON.parse(t) as unknown);
  const generated = pooled(valid, 256);
  const docs =
    real.length > 0
      ? fc.oneof({ weight: 3, arbitrary: generated }, { weight: 1, arbitrary: fc.constantFrom(...real) })
      : generated;
  const generatedTexts = pooled(
    valid.map((v) => JSON.stringify(v)),
    256,
  );
  const texts =
    realTexts.length > 0
      ? fc.oneof({ weight: 3, arbitrary: generatedTexts }, { weight: 1, arbitrary: fc.constantFrom(...realTexts) })
      : generatedTexts;
  return fc.oneof(
    { weight: 1, arbitrary: docs.map((json) => ({ json, text: undefined })) },
    { weight: 6, arbitrary: mutatedJson(docs).map((json) => ({ json, text: undefined })) },
    { weight: 2, arbitrary: mutatedText(texts, 3).map((text) => ({ json: null, text })) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json, text: undefined })) },
  );
}

/**
 * The schema check (`identityFromJson`) and the file parser of the crypto lib (`parseIdentityFile`),
 * which must agree: a document the schema refuses is not an identity file.
 */
function runIdentity({ json, text }: JsonInput): void {
  if (text !== undefined) {
    parseIdentityFile(text, 'identity.json', backend());
    return;
  }
  let refused: unknown;
  try {
    identityFromJson(json);
  } catch (e) {
    refused = e;
  }
  parseIdentityFile(JSON.stringify(json) ?? 'null', 'identity.json', backend());
  if (refused !== undefined)
    throw new OracleViolation('oracle', `parseIdentityFile accepts what identityFromJson refuses: ${String(refused)}`);
}

const timestamp = fc.integer({ min: -62135596800000, max: 253402300799000 }).map(formatTimestamp);
const connectionPoint = fc
  .record({ ip: fc.oneof(A.ipv4, A.ipv6), port: fc.option(fc.nat(65535), { nil: undefined }) })
  .map(({ ip, port }) => (port === undefined ? { addr: ipToP2pAddr(ip) } : { addr: ipToP2pAddr(ip), port }));
const counters = (m: ShellPeerMetadata): ShellPeerMetadata => m;
const peerMetadata = fc.nat(1000).map((n) => {
  const m = counters(shellPeerMetadataConfig.initial());
  m.valid_blocks = String(n);
  m.requests.received.head = String(n * 3);
  return shellPeerMetadataConfig.toJson(m);
});
const stamped = fc.option(fc.tuple(connectionPoint, timestamp), { nil: undefined });
const peersEntry = fc
  .record({
    peer_id: A.peerId,
    created: timestamp,
    trusted: fc.option(fc.boolean(), { nil: undefined }),
    peer_metadata: peerMetadata,
    events: fc.option(
      fc.array(
        fc
          .record({
            kind: fc.constantFrom(
              'incoming_request',
              'rejecting_request',
              'request_rejected',
              'connection_established',
              'disconnection',
              'external_disconnection',
            ),
            timestamp,
            point: connectionPoint,
          })
          .map(({ point, ...e }) => ({ ...e, ...point })),
        { maxLength: 2 },
      ),
      { nil: undefined },
    ),
    last_failed_connection: stamped,
    last_rejected_connection: stamped,
    last_established_connection: stamped,
    last_disconnection: stamped,
  })
  .map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)));
// Two entries are enough to reach every per-entry check; each holds ~80 counters, so larger documents only cost time.
const peersDoc = fc.array(peersEntry, { maxLength: 2 });

/**
 * peers.json as the pool reads it: the schema, then each field's parser (peer id, timestamps and
 * their formatting back, addresses, the shell's peer metadata). A document the schema accepts must
 * reach the parsers without a crash; they may refuse it only with typed errors.
 */
function runPeersFile({ json, text }: JsonInput): void {
  let doc: unknown = json;
  if (text !== undefined) {
    try {
      doc = JSON.parse(text);
    } catch (e) {
      if (e instanceof SyntaxError) return; // not JSON: the caller's JSON.parse, not ours
      throw e;
    }
  }
  const entries = peersFile.check(doc, 'peers.json');
  // The check promises every value parses (the pool relies on it): from here on any throw is a finding.
  const time = (t: string) => formatTimestamp(parseTimestamp(t));
  try {
    for (const e of entries) {
      parsePeerId(e.peer_id);
      time(e.created);
      for (const ev of e.events ?? []) {
        time(ev.timestamp);
        canonicalIp(ev.addr);
      }
      for (const s of [
        e.last_failed_connection,
        e.last_rejected_connection,
        e.last_established_connection,
        e.last_disconnection,
      ]) {
        if (s === undefined) continue;
        canonicalIp(s[0].addr);
        time(s[1]);
      }
    }
  } catch (e) {
    throw new OracleViolation('oracle', `peers.json passed peersFile.check but a value does not parse: ${String(e)}`);
  }
  // Peer metadata is the caller's configuration, checked apart from the schema (as the pool does).
  for (const e of entries) shellPeerMetadataConfig.fromJson(e.peer_metadata);
}

// ---- targets ----

export function wireTargets(): FuzzTarget<unknown>[] {
  const c = corpus();
  const f = fixtureSeeds();
  const connectionMessage: FuzzTarget<Uint8Array> = {
    name: 'wire.connectionMessage',
    description:
      'decodeConnectionMessageFrame on framed connection messages (generated and recorded), mutated; accepted frames re-encode exactly',
    async: false,
    arbitrary: bytesInput(A.connectionMessage.map(encodeConnectionMessageFrame), [
      ...c.connectionMessages,
      ...f.connectionMessages,
    ]),
    allocation: {
      claims: hugeClaims(
        fc.constantFrom(
          ...c.connectionMessages,
          ...fc.sample(A.connectionMessage.map(encodeConnectionMessageFrame), { seed: 3, numRuns: 32 }),
        ),
      ),
      size: (b) => b.length,
    },
    run(frame) {
      const m = decodeConnectionMessageFrame(frame);
      const again = encodeConnectionMessageFrame(m);
      if (!bytesEqual(again, frame)) throw new OracleViolation('oracle', `re-encodes as ${hex(again, 128)}`);
    },
    show: (b) => hex(b),
  };
  const pointText: FuzzTarget<PointText> = {
    name: 'wire.parsePoint',
    description:
      'parsePointWithPeerId / canonicalIp / ipToBytes on mutated point text; parse ∘ print is the identity on parsed points',
    async: false,
    arbitrary: pointTextInput,
    run: runPointText,
    show: (x) => showJson(x),
  };
  const peerId: FuzzTarget<string> = {
    name: 'wire.parsePeerId',
    description:
      'parsePeerId / isPeerId / peerIdToBytes on mutated Base58Check ids; both agree and accepted ids are canonical',
    async: false,
    arbitrary: peerIdText,
    run: runPeerId,
    show: (s) => JSON.stringify(s),
  };
  const identity: FuzzTarget<JsonInput> = {
    name: 'wire.identityJson',
    description:
      'identity.json: identityFromJson (schema) and parseIdentityFile (crypto) on mutated documents and text',
    async: false,
    arbitrary: jsonInput(identityDoc, fixtureSeeds().identityFiles),
    run: runIdentity,
    show: (x) => showJson(x),
  };
  const peers: FuzzTarget<JsonInput> = {
    name: 'wire.peersJson',
    description:
      'peers.json: the schema, then every field parser the pool applies (peer id, timestamps, addresses, peer metadata)',
    async: false,
    arbitrary: jsonInput(peersDoc),
    run: runPeersFile,
    show: (x) => showJson(x),
  };
  return [
    decoderTarget({
      name: 'wire.networkVersion',
      description: 'network version (chain name kept byte-exact), generated and recorded',
      encoding: networkVersionEncoding,
      valid: A.networkVersion,
      fixtures: c.networkVersions,
      roundTrip: 'exact',
    }),
    connectionMessage,
    decoderTarget({
      name: 'wire.metadata',
      description: 'the shell connection metadata (two bools), recorded chunk 0 plaintexts',
      encoding: shellConnectionMetadataEncoding,
      valid: A.metadata,
      fixtures: c.metadata,
      roundTrip: 'exact',
    }),
    decoderTarget({
      name: 'wire.ack',
      description: 'Ack / Nack_v_0 / Nack with motive and ≤ 100 points, recorded chunk 1 plaintexts',
      encoding: ackEncoding,
      valid: A.ack,
      fixtures: [...c.acks, ...f.acks],
      roundTrip: 'stable',
      maxGarbage: 128,
    }),
    decoderTarget({
      name: 'wire.p2pMessage.opaque',
      description: 'P2P messages with opaque application messages, generated and recorded (100 MiB cap)',
      encoding: p2pMessageEncoding({ opaque: rawAppMessages }),
      valid: A.p2pMessage(A.rawApp),
      fixtures: c.p2pFrames,
      roundTrip: 'stable',
      maxGarbage: 160,
    }),
    decoderTarget({
      name: 'wire.p2pMessage.shell',
      description: 'P2P messages with the shell application messages (tags 0x10+), generated and recorded',
      encoding: p2pMessageEncoding({ app: shellAppMessages }),
      valid: A.p2pMessage(A.shellMessage),
      fixtures: c.p2pFrames,
      roundTrip: 'stable',
      maxGarbage: 160,
    }),
    decoderTarget({
      name: 'wire.point',
      description: 'the ≤ 51-byte point string on the wire',
      encoding: pointEncoding,
      valid: A.point,
      roundTrip: 'stable',
    }),
    pointText,
    peerId,
    decoderTarget({
      name: 'wire.discovery',
      description: 'the 28-byte LAN discovery datagram',
      encoding: discoveryDatagramEncoding,
      valid: fc.record({ peerId: A.peerId, port: fc.integer({ min: -0x8000, max: 0x7fff }) }),
      roundTrip: 'exact',
    }),
    identity,
    peers,
  ] as FuzzTarget<unknown>[];
}
