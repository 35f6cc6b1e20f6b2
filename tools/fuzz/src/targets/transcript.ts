import fc from 'fast-check';
import {
  type Direction,
  type Layer,
  type Role,
  type Transcript,
  type TranscriptRecord,
  decodeTranscript,
  encodeTranscript,
  transcriptToJson,
} from '@tezos-p2p/transcript';
import * as A from '../arbitraries.js';
import { corpus } from '../corpus.js';
import { hugeClaims } from '../claims.js';
import { bytesInput } from '../mutate.js';
import { pooled } from '../pool.js';
import { type FuzzTarget, OracleViolation, hex } from '../target.js';

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const record: fc.Arbitrary<TranscriptRecord> = fc
  .record({
    direction: fc.constantFrom<Direction>('DIRECTION_UNKNOWN', 'SENT', 'RECEIVED'),
    layer: fc.constantFrom<Layer>(
      'CONNECTION_MESSAGE',
      'CHUNK',
      'MESSAGE',
      'APP_PAYLOAD',
      'CONNECTION_MESSAGE_BODY',
      'ACK',
      'NETWORK_VERSION',
      'LAYER_UNKNOWN',
    ),
    chunkIndex: opt(fc.nat(1000)),
    wire: opt(fc.uint8Array({ maxLength: 40 })),
    nonce: opt(fc.oneof(A.bytesN(24), fc.uint8Array({ maxLength: 30 }))),
    plaintext: opt(fc.uint8Array({ maxLength: 40 })),
    kind: opt(fc.string({ maxLength: 12 })),
    tag: opt(fc.nat(0x1ffff)),
    timeUs: opt(fc.nat()),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as TranscriptRecord);

const transcriptValue: fc.Arbitrary<Transcript> = fc
  .record({
    formatVersion: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.nat(3) }),
    name: fc.string({ maxLength: 12 }),
    localRole: opt(fc.constantFrom<Role>('ROLE_UNKNOWN', 'INITIATOR', 'RESPONDER')),
    chainName: opt(fc.string({ maxLength: 20 })),
    keys: opt(fc.record({ channelKey: opt(A.bytesN(32)), localNonce: A.bytesN(24), remoteNonce: A.bytesN(24) })),
    records: fc.array(record, { maxLength: 6 }),
    end: opt(
      fc.record({
        reason: fc.string({ maxLength: 12 }),
        code: opt(fc.string({ maxLength: 8 })),
        droppedRecords: opt(fc.nat(10)),
      }),
    ),
  })
  .map(({ formatVersion, name, localRole, chainName, keys, records, end }) => {
    const clean = <T extends object>(o: T): T =>
      Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
    const session = clean({ name, localRole, chainName, keys: keys && clean(keys) });
    return clean({ formatVersion, session, records, end: end && clean(end) }) as Transcript;
  });

/** Big recorded transcripts contribute their first 4 KiB: a prefix cut inside a record. */
function prefixes(): Uint8Array[] {
  const c = corpus();
  const out = [...c.transcriptFiles];
  for (const t of c.transcripts.values()) {
    const bytes = encodeTranscript(t);
    if (bytes.length > 8192) out.push(bytes.slice(0, 4096));
  }
  return out;
}

/**
 * `decodeTranscript` on generated, recorded and mutated transcript bytes: a TranscriptError or a
 * validated transcript, which renders as JSON and survives encode → decode.
 */
function runTranscript(bytes: Uint8Array): void {
  const t = decodeTranscript(bytes, 'fuzz');
  transcriptToJson(t);
  const again = decodeTranscript(encodeTranscript(t), 'fuzz re-encoded');
  if (again.records.length !== t.records.length)
    throw new OracleViolation(
      'oracle',
      `re-encoding changes the record count: ${t.records.length} → ${again.records.length}`,
    );
}

export function transcriptTargets(): FuzzTarget<unknown>[] {
  const target: FuzzTarget<Uint8Array> = {
    name: 'transcript.decode',
    description:
      'decodeTranscript (protobuf + validation) on generated, recorded (and truncated) and mutated transcript files',
    async: false,
    arbitrary: bytesInput(transcriptValue.map(encodeTranscript), prefixes(), 160),
    allocation: {
      claims: hugeClaims(pooled(transcriptValue.map(encodeTranscript), 128), { varints: true }),
      size: (b) => b.length,
    },
    run: runTranscript,
    show: (b) => hex(b),
  };
  return [target] as FuzzTarget<unknown>[];
}
