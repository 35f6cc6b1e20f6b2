import fc from 'fast-check';
import { ChunkCipher } from '@tezos-p2p/connection';
import {
  type CryptoBackend,
  type Identity,
  generateNonces,
  getCryptoBackend,
  identityFromFields,
} from '@tezos-p2p/crypto';
import { concatBytes, encode } from '@tezos-p2p/encoding';
import type { Transcript } from '@tezos-p2p/transcript';
import {
  announcedVersion,
  type ConnectionMessage,
  type NetworkVersion,
  ackEncoding,
  decodeConnectionMessageFrame,
  encodeConnectionMessageFrame,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataEncoding,
} from '@tezos-p2p/wire';
import * as A from '../arbitraries.js';
import { RECORDED_HANDSHAKE, corpus } from '../corpus.js';
import { memoizedBackend } from '../memo-backend.js';
import { type Mutation, applyMutations, garbage, mutations } from '../mutate.js';
import { mostlyPooled, pooled } from '../pool.js';

/**
 * The remote side of a handshake case, as a script of bytes. Everything the peer sends depends only
 * on the case (our connection message is fixed: fixed identity, version, port and nonce), so the whole
 * stream — connection message, encrypted metadata, encrypted Ack or Nack, messages after it — is
 * computed before the case runs, then cut and fed to our side. The peer encrypts under whatever our
 * side will really read: a mutated but decodable connection message from a known identity still gets
 * correctly encrypted chunks, so mutations reach every step of the state machine.
 */

/** Our end of a case: who we are and what we announce. */
export interface LocalSide {
  readonly identity: Identity;
  readonly version: NetworkVersion;
  readonly port: number | undefined;
  readonly nonce: Uint8Array;
  /** Our framed connection message (what the peer's nonces are derived from). */
  readonly frame: Uint8Array;
}

export const backend: CryptoBackend = memoizedBackend(getCryptoBackend());

function identityOf(seedByte: number): Identity {
  const secretKey = Uint8Array.from({ length: 32 }, (_, i) => (seedByte * 31 + i * 7 + 1) & 0xff);
  return identityFromFields(
    { secretKey, publicKey: backend.publicKey(secretKey), proofOfWorkStamp: new Uint8Array(24) },
    backend,
  );
}

function localSide(
  identity: Identity,
  version: NetworkVersion,
  port: number | undefined,
  nonce: Uint8Array,
): LocalSide {
  const frame = encodeConnectionMessageFrame({
    port,
    publicKey: identity.publicKey,
    proofOfWorkStamp: identity.proofOfWorkStamp,
    messageNonce: nonce,
    version,
  });
  return { identity, version, port, nonce, frame };
}

export const OUR_VERSION: NetworkVersion = announcedVersion('TEZOS_FUZZNET_2024');
/** Generated cases: our side. */
export const GENERATED_LOCAL: LocalSide = localSide(
  identityOf(0),
  OUR_VERSION,
  9732,
  Uint8Array.from({ length: 24 }, (_, i) => 0xa0 + i),
);

/**
 * Who the peer claims to be: two ordinary identities, our own (the MYSELF check) and a low-order
 * public key (key agreement must fail as INVALID_AUTH). The peer can encrypt only when it knows the
 * secret key.
 */
export interface PeerKey {
  readonly publicKey: Uint8Array;
  readonly stamp: Uint8Array;
  readonly secretKey: Uint8Array | undefined;
  readonly kind: 'peer' | 'self' | 'low-order';
}
const asPeer = (id: Identity, kind: PeerKey['kind']): PeerKey => ({
  publicKey: id.publicKey,
  stamp: id.proofOfWorkStamp,
  secretKey: id.secretKey.expose(),
  kind,
});
export const PEERS: readonly PeerKey[] = [
  asPeer(identityOf(1), 'peer'),
  asPeer(identityOf(2), 'peer'),
  asPeer(GENERATED_LOCAL.identity, 'self'),
  { publicKey: new Uint8Array(32), stamp: new Uint8Array(24), secretKey: undefined, kind: 'low-order' },
];

/** The recorded session replayed by recorded cases: tezedge as initiator, with its public identity. */
export interface RecordedSession {
  readonly local: LocalSide;
  /** What the remote sent: its connection message, then chunks 0 (metadata), 1 (Ack), 2–4 (messages). */
  readonly received: Uint8Array;
  readonly remotePow: number;
}

function recordedSession(t: Transcript | undefined): RecordedSession | undefined {
  const local = t?.session.local;
  if (
    t === undefined ||
    local?.secretKey === undefined ||
    local.publicKey === undefined ||
    local.proofOfWorkStamp === undefined
  )
    return undefined;
  const sent = t.records.find((r) => r.direction === 'SENT' && r.layer === 'CONNECTION_MESSAGE')?.wire;
  const theirs = t.records.find((r) => r.direction === 'RECEIVED' && r.layer === 'CONNECTION_MESSAGE')?.wire;
  if (sent === undefined || theirs === undefined) return undefined;
  const chunks: Uint8Array[] = [];
  for (let i = 0; ; i++) {
    const c = t.records.find((r) => r.direction === 'RECEIVED' && r.layer === 'CHUNK' && r.chunkIndex === i)?.wire;
    if (c === undefined || i > 4) break;
    chunks.push(c);
  }
  const ours: ConnectionMessage = decodeConnectionMessageFrame(sent);
  const identity = identityFromFields(
    { secretKey: local.secretKey, publicKey: local.publicKey, proofOfWorkStamp: local.proofOfWorkStamp },
    backend,
  );
  return {
    local: localSide(identity, ours.version, ours.port, ours.messageNonce),
    received: concatBytes([theirs, ...chunks]),
    remotePow: 26,
  };
}

let recorded: RecordedSession | undefined | null = null;
/** The recorded session, or undefined when the transcript is absent (a trimmed checkout). */
export function recordedHandshake(): RecordedSession | undefined {
  if (recorded === null) recorded = recordedSession(corpus().transcripts.get(RECORDED_HANDSHAKE));
  return recorded;
}

// ---- the generated peer ----

/** One encrypted chunk of the peer: a plaintext (maybe mutated) sealed, the chunk maybe mutated; or raw bytes. */
export type ChunkSpec =
  | {
      readonly kind: 'sealed';
      readonly plain: Uint8Array;
      readonly plainMutations: readonly Mutation[] | undefined;
      readonly chunkMutations: readonly Mutation[] | undefined;
    }
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

export interface GeneratedScript {
  readonly source: 'generated';
  /** Index in PEERS. */
  readonly peer: number;
  readonly version: NetworkVersion;
  readonly port: number | undefined;
  readonly nonce: Uint8Array;
  /** Mutations of the peer's framed connection message, or bytes sent instead of it. */
  readonly connection: { readonly mutations: readonly Mutation[] | undefined } | { readonly garbage: Uint8Array };
  readonly metadata: ChunkSpec;
  readonly ack: ChunkSpec;
  /** Plaintext sent after the Ack (P2P messages), one chunk each. */
  readonly after: readonly Uint8Array[];
}

export interface RecordedScript {
  readonly source: 'recorded';
  readonly mutations: readonly Mutation[] | undefined;
}

const sometimes = <T>(a: fc.Arbitrary<T>, none: number, some: number) =>
  fc.oneof({ weight: none, arbitrary: fc.constant(undefined) }, { weight: some, arbitrary: a });

const chunkSpec = (plain: fc.Arbitrary<Uint8Array>): fc.Arbitrary<ChunkSpec> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('sealed' as const),
        plain,
        plainMutations: sometimes(mutations(2), 5, 1),
        chunkMutations: sometimes(mutations(2), 6, 1),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), bytes: garbage(40) }) },
  );

const rawP2p = p2pMessageEncoding({ opaque: rawAppMessages });

export const generatedScript: fc.Arbitrary<GeneratedScript> = fc.record({
  source: fc.constant('generated' as const),
  peer: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 1) }, { weight: 1, arbitrary: fc.constantFrom(2, 3) }),
  version: fc.oneof(
    { weight: 4, arbitrary: fc.constant(OUR_VERSION) },
    { weight: 1, arbitrary: pooled(A.networkVersion, 128) },
  ),
  port: fc.option(fc.integer({ min: 1, max: 0xffff }), { nil: undefined }),
  nonce: A.bytesN(24),
  connection: fc.oneof(
    { weight: 6, arbitrary: fc.record({ mutations: sometimes(mutations(3), 3, 1) }) },
    { weight: 1, arbitrary: fc.record({ garbage: garbage(160) }) },
  ),
  metadata: chunkSpec(A.metadata.map((m) => encode(shellConnectionMetadataEncoding, m))),
  ack: chunkSpec(
    mostlyPooled(
      A.ack.map((a) => encode(ackEncoding, a)),
      256,
    ),
  ),
  after: fc.array(
    fc.oneof(
      pooled(
        A.p2pMessage(A.rawApp).map((m) => encode(rawP2p, m)),
        256,
      ),
      garbage(24),
    ),
    { maxLength: 2 },
  ),
});

export const recordedScript: fc.Arbitrary<RecordedScript> = fc.record({
  source: fc.constant('recorded' as const),
  mutations: sometimes(mutations(4), 1, 3),
});

/** A cipher under a key nobody has: what a peer without the secret key can send. */
const blind = () => new ChunkCipher(backend, new Uint8Array(32).fill(0x5a), new Uint8Array(24));

function chunkBytes(cipher: ChunkCipher, spec: ChunkSpec): { bytes: Uint8Array; intact: boolean } {
  if (spec.kind === 'raw') return { bytes: spec.bytes, intact: false };
  const plain = spec.plainMutations ? applyMutations(spec.plain, spec.plainMutations) : spec.plain;
  const sealed = cipher.seal(plain).buffer;
  const bytes = spec.chunkMutations ? applyMutations(sealed, spec.chunkMutations) : sealed;
  return { bytes, intact: spec.plainMutations === undefined && spec.chunkMutations === undefined };
}

export interface BuiltScript {
  readonly bytes: Uint8Array;
  /** Every byte as a well-behaved peer would send it (so the outcome is predictable). */
  readonly intact: boolean;
  readonly peer: PeerKey | undefined;
  /** The Ack / Nack plaintext when intact. */
  readonly ack: Uint8Array | undefined;
  readonly version: NetworkVersion | undefined;
}

/** The bytes a generated peer sends to `local`, where our side is the responder when `incoming`. */
export function buildGenerated(s: GeneratedScript, local: LocalSide, incoming: boolean): BuiltScript {
  const peer = PEERS[s.peer % PEERS.length]!;
  const version = s.version;
  let frame: Uint8Array;
  let intact: boolean;
  if ('garbage' in s.connection) {
    frame = s.connection.garbage;
    intact = false;
  } else {
    const valid = encodeConnectionMessageFrame({
      port: s.port,
      publicKey: peer.publicKey,
      proofOfWorkStamp: peer.stamp,
      messageNonce: s.nonce,
      version,
    });
    frame = s.connection.mutations ? applyMutations(valid, s.connection.mutations) : valid;
    intact = s.connection.mutations === undefined;
  }
  // What our side will take as the peer's connection message: the 2-byte length, then that many bytes.
  const declared = frame.length >= 2 ? (frame[0]! << 8) | frame[1]! : -1;
  let cipher = blind();
  if (declared >= 0 && frame.length >= 2 + declared) {
    const received = frame.subarray(0, 2 + declared);
    let pk: Uint8Array | undefined;
    try {
      pk = decodeConnectionMessageFrame(received).publicKey;
    } catch {
      pk = undefined;
    }
    const known =
      pk === undefined
        ? undefined
        : PEERS.find((p) => p.secretKey !== undefined && Buffer.compare(p.publicKey, pk) === 0);
    if (known?.secretKey !== undefined) {
      const key = backend.precompute(known.secretKey, local.identity.publicKey);
      const nonces = generateNonces(backend, {
        incoming: !incoming,
        sentMessage: received,
        receivedMessage: local.frame,
      });
      cipher = new ChunkCipher(backend, key, nonces.local);
    }
  }
  const meta = chunkBytes(cipher, s.metadata);
  const ack = chunkBytes(cipher, s.ack);
  const after = s.after.map((p) => cipher.seal(p).buffer);
  return {
    bytes: concatBytes([frame, meta.bytes, ack.bytes, ...after]),
    intact: intact && meta.intact && ack.intact,
    peer,
    ack: s.ack.kind === 'sealed' ? s.ack.plain : undefined,
    version,
  };
}

export function buildRecorded(s: RecordedScript, session: RecordedSession): BuiltScript {
  const bytes = s.mutations ? applyMutations(session.received, s.mutations) : session.received;
  return {
    bytes,
    intact: Buffer.compare(bytes, session.received) === 0,
    peer: undefined,
    ack: undefined,
    version: undefined,
  };
}
