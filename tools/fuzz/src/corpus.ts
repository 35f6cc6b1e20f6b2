import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameReader } from '@tezos-p2p/encoding';
import { type Transcript, type TranscriptRecord, listTranscriptFiles, readTranscriptFile } from '@tezos-p2p/transcript';

/** conformance/transcripts, from src/ and from dist/ alike. */
export const TRANSCRIPTS_DIR = fileURLToPath(new URL('../../../conformance/transcripts/', import.meta.url));

/** The recorded session whose handshake is replayed (mutated) by `handshake.recorded`. */
export const RECORDED_HANDSHAKE = 'carthagenet-tezedge-2020.tzt';

/** Fixtures larger than this are left out of the mutation corpus (each mutation copies its input). */
const MAX_FIXTURE = 8 * 1024;

export interface Corpus {
  readonly transcripts: ReadonlyMap<string, Transcript>;
  /** Whole framed connection messages (2-byte length included). */
  readonly connectionMessages: readonly Uint8Array[];
  readonly connectionMessageBodies: readonly Uint8Array[];
  readonly networkVersions: readonly Uint8Array[];
  /** Metadata plaintexts (chunk 0 of each direction). */
  readonly metadata: readonly Uint8Array[];
  /** Ack / Nack plaintexts (chunk 1, ACK records). */
  readonly acks: readonly Uint8Array[];
  /** Whole P2P messages (`[u32 size][u16 tag]…`) reassembled from recorded chunks, at most 8 KiB each. */
  readonly p2pFrames: readonly Uint8Array[];
  /** Application messages as `(tag, payload)`, at most 8 KiB each. */
  readonly appPayloads: readonly { readonly tag: number; readonly payload: Uint8Array }[];
  /** Raw transcript files of at most 8 KiB. */
  readonly transcriptFiles: readonly Uint8Array[];
}

let cached: Corpus | undefined;

function chunksOf(t: Transcript, direction: 'SENT' | 'RECEIVED'): TranscriptRecord[] {
  return t.records
    .filter((r) => r.layer === 'CHUNK' && r.direction === direction && r.chunkIndex !== undefined)
    .sort((a, b) => a.chunkIndex! - b.chunkIndex!);
}

/** Real bytes from every recorded transcript, loaded once. */
export function corpus(): Corpus {
  if (cached !== undefined) return cached;
  const transcripts = new Map<string, Transcript>();
  const files = listTranscriptFiles(TRANSCRIPTS_DIR);
  const c = {
    connectionMessages: [] as Uint8Array[],
    connectionMessageBodies: [] as Uint8Array[],
    networkVersions: [] as Uint8Array[],
    metadata: [] as Uint8Array[],
    acks: [] as Uint8Array[],
    p2pFrames: [] as Uint8Array[],
    appPayloads: [] as { tag: number; payload: Uint8Array }[],
    transcriptFiles: [] as Uint8Array[],
  };
  for (const file of files) {
    const name = file.slice(file.lastIndexOf('/') + 1);
    const t = readTranscriptFile(file);
    transcripts.set(name, t);
    const raw = readFileSync(file);
    if (raw.length <= MAX_FIXTURE) c.transcriptFiles.push(new Uint8Array(raw));
    for (const r of t.records) {
      if (r.layer === 'CONNECTION_MESSAGE' && r.wire) c.connectionMessages.push(r.wire);
      else if (r.layer === 'CONNECTION_MESSAGE_BODY' && r.plaintext) c.connectionMessageBodies.push(r.plaintext);
      else if (r.layer === 'NETWORK_VERSION' && r.plaintext) c.networkVersions.push(r.plaintext);
      else if (r.layer === 'ACK' && r.plaintext) c.acks.push(r.plaintext);
      else if (r.layer === 'APP_PAYLOAD' && r.plaintext && r.tag !== undefined && r.plaintext.length <= MAX_FIXTURE)
        c.appPayloads.push({ tag: r.tag, payload: r.plaintext });
      else if (r.layer === 'MESSAGE' && r.plaintext && r.plaintext.length <= MAX_FIXTURE) c.p2pFrames.push(r.plaintext);
    }
    for (const direction of ['SENT', 'RECEIVED'] as const) {
      const chunks = chunksOf(t, direction);
      const reader = new FrameReader();
      let next = 2;
      for (const r of chunks) {
        if (r.plaintext === undefined) continue;
        if (r.chunkIndex === 0) c.metadata.push(r.plaintext);
        else if (r.chunkIndex === 1) c.acks.push(r.plaintext);
        else if (r.chunkIndex === next) {
          // Messages are reassembled over the contiguous run of decrypted chunks only.
          next++;
          reader.push(r.plaintext);
          for (let f = reader.next(); f !== undefined; f = reader.next())
            if (f.length <= MAX_FIXTURE) c.p2pFrames.push(f);
        }
      }
    }
  }
  // Application payloads of the reassembled messages, and dedup by content to keep the corpus small.
  for (const f of c.p2pFrames) {
    const tag = f.length >= 6 ? (f[4]! << 8) | f[5]! : 0;
    if (tag >= 0x10) c.appPayloads.push({ tag, payload: f.subarray(6) });
  }
  const dedup = <T>(xs: T[], key: (x: T) => string, max = 400): T[] => {
    const seen = new Set<string>();
    return xs.filter((x) => !seen.has(key(x)) && seen.add(key(x)) !== undefined).slice(0, max);
  };
  const hexKey = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  cached = {
    transcripts,
    connectionMessages: dedup(c.connectionMessages, hexKey),
    connectionMessageBodies: dedup(c.connectionMessageBodies, hexKey),
    networkVersions: dedup(c.networkVersions, hexKey),
    metadata: dedup(c.metadata, hexKey),
    acks: dedup(c.acks, hexKey),
    p2pFrames: dedup(c.p2pFrames, hexKey),
    appPayloads: dedup(c.appPayloads, (p) => `${p.tag}:${hexKey(p.payload)}`),
    transcriptFiles: c.transcriptFiles,
  };
  return cached;
}

export function transcriptPath(name: string): string {
  return join(TRANSCRIPTS_DIR, name);
}
