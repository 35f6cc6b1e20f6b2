import { TranscriptError } from './errors.js';
import { transcriptType } from './schema.js';
import { FORMAT_VERSION, type SessionEnd, type Transcript, type TranscriptRecord } from './types.js';

const TO_OBJECT = { enums: String, longs: Number, defaults: false } as const;

/** Protobufjs gives Buffers in Node; transcripts hold plain Uint8Arrays so equality checks are uniform. */
function plainBytes(v: unknown): unknown {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(plainBytes);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainBytes(x)]));
  return v;
}

export function encodeTranscript(t: Transcript): Uint8Array {
  const type = transcriptType();
  return type.encode(type.fromObject({ ...t })).finish();
}

/** The bytes that, appended to a transcript file, add `records` (protobuf merges repeated fields). */
export function encodeRecords(records: readonly TranscriptRecord[]): Uint8Array {
  const type = transcriptType();
  return type.encode(type.fromObject({ records })).finish();
}

/** The bytes that, appended to a transcript file, set its `end`. */
export function encodeEnd(end: SessionEnd): Uint8Array {
  const type = transcriptType();
  return type.encode(type.fromObject({ end })).finish();
}

const NONCE = 24;

function check(ok: boolean, what: string, where: string): void {
  if (!ok) throw new TranscriptError('TRANSCRIPT_INVALID', `${where}: ${what}`);
}

/**
 * The schema fixes the type of every field protobuf decodes; what it cannot say is which are required.
 * This checks the ones a `Transcript` cannot do without; `validate` checks the rest.
 */
function hasTranscriptShape(o: object): o is Transcript {
  return (
    'formatVersion' in o &&
    o.formatVersion === FORMAT_VERSION &&
    'session' in o &&
    typeof o.session === 'object' &&
    o.session !== null &&
    'records' in o &&
    Array.isArray(o.records)
  );
}

/** Structural checks beyond protobuf's: what a replay needs to be able to trust. */
function validate(t: Transcript, where: string): void {
  if (t.formatVersion !== FORMAT_VERSION)
    throw new TranscriptError(
      'TRANSCRIPT_VERSION',
      `${where}: format_version ${String(t.formatVersion)} (this reader knows ${FORMAT_VERSION})`,
    );
  check(
    t.session !== undefined && typeof t.session.name === 'string' && t.session.name.length > 0,
    'session.name is required',
    where,
  );
  const k = t.session.keys;
  if (k !== undefined)
    check(
      (k.channelKey === undefined || k.channelKey.length === 32) &&
        k.localNonce?.length === NONCE &&
        k.remoteNonce?.length === NONCE,
      'session.keys needs two 24-byte nonces and, when present, a 32-byte channel key',
      where,
    );
  t.records.forEach((r, i) => {
    const at = `${where}: record ${i}`;
    check(
      r.direction !== undefined && r.layer !== undefined && r.layer !== 'LAYER_UNKNOWN',
      'direction and layer are required',
      at,
    );
    if (r.nonce !== undefined) check(r.nonce.length === NONCE, 'a nonce has 24 bytes', at);
    if (r.layer === 'CHUNK')
      check(r.wire !== undefined && r.wire.length >= 18, 'a chunk needs its wire bytes (at least 18)', at);
    if (r.layer === 'CONNECTION_MESSAGE')
      check(r.wire !== undefined && r.wire.length >= 2, 'a connection message needs its wire bytes', at);
    if (
      r.layer === 'MESSAGE' ||
      r.layer === 'APP_PAYLOAD' ||
      r.layer === 'CONNECTION_MESSAGE_BODY' ||
      r.layer === 'ACK' ||
      r.layer === 'NETWORK_VERSION'
    ) {
      check(r.plaintext !== undefined, `a ${r.layer} record needs its plaintext`, at);
    }
    if (r.layer === 'APP_PAYLOAD')
      check(
        r.tag !== undefined && r.tag >= 0x10 && r.tag <= 0xffff,
        'an APP_PAYLOAD record needs an application tag',
        at,
      );
  });
}

/** Decode and validate; `where` names the source in errors (a file name). */
export function decodeTranscript(bytes: Uint8Array, where = 'transcript'): Transcript {
  const type = transcriptType();
  let obj: Record<string, unknown>;
  try {
    obj = plainBytes(type.toObject(type.decode(bytes), TO_OBJECT)) as Record<string, unknown>;
  } catch (e) {
    throw new TranscriptError('TRANSCRIPT_INVALID', `${where}: not a transcript (${(e as Error).message})`, {
      cause: e,
    });
  }
  // Proto3 does not write enum zeros: an absent direction is DIRECTION_UNKNOWN.
  const records = ((obj['records'] as Record<string, unknown>[] | undefined) ?? []).map((r) => ({
    direction: 'DIRECTION_UNKNOWN',
    ...r,
  }));
  const t = { ...obj, records };
  if (!hasTranscriptShape(t)) {
    if (obj['formatVersion'] !== FORMAT_VERSION)
      throw new TranscriptError(
        'TRANSCRIPT_VERSION',
        `${where}: format_version ${String(obj['formatVersion'])} (this reader knows ${FORMAT_VERSION})`,
      );
    throw new TranscriptError('TRANSCRIPT_INVALID', `${where}: session.name is required`);
  }
  validate(t, where);
  return t;
}
