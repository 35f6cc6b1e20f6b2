import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TranscriptError } from '../src/index.js';
import {
  type Transcript,
  type TranscriptRecord,
  TranscriptWriter,
  decodeTranscript,
  encodeRecords,
  encodeTranscript,
  listTranscriptFiles,
  readTranscriptFile,
  transcriptToJson,
  writeTranscriptFile,
} from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-transcript-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (...b: number[]) => Uint8Array.from(b);
const chunk = (i: number, plaintext?: Uint8Array): TranscriptRecord => ({
  direction: i % 2 === 0 ? 'SENT' : 'RECEIVED',
  layer: 'CHUNK',
  chunkIndex: i >> 1,
  wire: new Uint8Array(18 + i).fill(i),
  nonce: new Uint8Array(24).fill(i),
  ...(plaintext ? { plaintext } : {}),
  kind: 'fragment',
  timeUs: 1_603_097_704_671_094 + i,
});

const sample: Transcript = {
  formatVersion: 1,
  session: {
    name: 'sample',
    description: 'two chunks',
    provenance: { origin: 'RECORDED', source: 'test', recordedAt: '2026-11-22T00:00:00Z' },
    localRole: 'INITIATOR',
    chainName: 'TEZOS',
    local: {
      peerId: 'idrFQwnkJCUoH8qPTvuUtTAx5ZtNZ1',
      publicKey: new Uint8Array(32).fill(1),
      address: '127.0.0.1:9732',
      implementation: 'tezos-p2p-ts',
    },
    remote: { address: '127.0.0.2:9732' },
    keys: {
      channelKey: new Uint8Array(32).fill(2),
      localNonce: new Uint8Array(24).fill(3),
      remoteNonce: new Uint8Array(24).fill(4),
    },
    notes: ['a note'],
  },
  records: [
    { direction: 'SENT', layer: 'CONNECTION_MESSAGE', wire: bytes(0, 1, 9) },
    chunk(0, new Uint8Array(0)),
    chunk(1, bytes(0xff, 0x00)),
    chunk(2),
    { direction: 'RECEIVED', layer: 'APP_PAYLOAD', tag: 0x10, plaintext: bytes(1, 2, 3, 4) },
  ],
  end: { reason: 'closed by peer', code: 'CONNECTION_CLOSED', timeUs: 1_603_097_704_700_000 },
};

describe('transcript codec', () => {
  it('round-trips every field, with empty and absent plaintexts kept apart', () => {
    const back = decodeTranscript(encodeTranscript(sample));
    expect(back).toEqual(sample);
    expect(back.records[1]!.plaintext).toEqual(new Uint8Array(0));
    expect(back.records[3]!.plaintext).toBeUndefined();
    expect(back.records[1]!.chunkIndex).toBe(0);
  });

  it('appended record fragments extend the records of one transcript', () => {
    const head = encodeTranscript({ ...sample, records: sample.records.slice(0, 2) });
    const tail = encodeRecords(sample.records.slice(2));
    const joined = new Uint8Array(head.length + tail.length);
    joined.set(head);
    joined.set(tail, head.length);
    expect(decodeTranscript(joined).records).toEqual(sample.records);
  });

  it('refuses what a replay could not trust, naming the record', () => {
    const bad = (t: Partial<Transcript>) => () => decodeTranscript(encodeTranscript({ ...sample, ...t }), 'bad.tzt');
    expect(bad({ formatVersion: 2 })).toThrow(expect.objectContaining({ code: 'TRANSCRIPT_VERSION' }));
    expect(bad({ session: { ...sample.session, name: '' } })).toThrow(/session.name/);
    expect(bad({ records: [{ direction: 'SENT', layer: 'CHUNK', wire: bytes(0, 1) }] })).toThrow(
      /bad.tzt: record 0: a chunk needs/,
    );
    expect(bad({ records: [{ ...chunk(0), nonce: bytes(1) }] })).toThrow(/24 bytes/);
    expect(bad({ records: [{ direction: 'SENT', layer: 'APP_PAYLOAD', plaintext: bytes(1) }] })).toThrow(
      /application tag/,
    );
    expect(
      bad({
        session: { ...sample.session, keys: { channelKey: bytes(1), localNonce: bytes(1), remoteNonce: bytes(1) } },
      }),
    ).toThrow(/32-byte channel key/);
    expect(
      bad({ records: [{ direction: 'DIRECTION_UNKNOWN', layer: 'MESSAGE', plaintext: bytes(0, 0, 0, 0) }] })()
        .records[0]!.direction,
    ).toBe('DIRECTION_UNKNOWN');
    expect(() => decodeTranscript(bytes(0xff, 0xff, 0xff), 'junk')).toThrow(
      expect.objectContaining({ code: 'TRANSCRIPT_INVALID' }),
    );
  });

  it('gives a JSON view with hex bytes', () => {
    const j = transcriptToJson(sample) as { records: { wire?: string }[]; session: { keys: { channelKey: string } } };
    expect(j.records[0]!.wire).toBe('000109');
    expect(j.session.keys.channelKey).toBe('02'.repeat(32));
  });
});

describe('transcript files', () => {
  it('writes atomically, owner-only, and lists .tzt files sorted', () => {
    writeTranscriptFile(join(dir, 'b.tzt'), sample);
    writeTranscriptFile(join(dir, 'a.tzt'), { ...sample, session: { ...sample.session, name: 'a' } });
    writeFileSync(join(dir, 'notes.txt'), 'x');
    expect(statSync(join(dir, 'b.tzt')).mode & 0o777).toBe(0o600);
    expect(listTranscriptFiles(dir).map((p) => p.slice(dir.length + 1))).toEqual(['a.tzt', 'b.tzt']);
    expect(readTranscriptFile(join(dir, 'b.tzt'))).toEqual(sample);
    expect(() => readTranscriptFile(join(dir, 'none.tzt'))).toThrow(expect.objectContaining({ code: 'TRANSCRIPT_IO' }));
  });
});

describe('TranscriptWriter', () => {
  it('streams a session whose file decodes as one transcript: header once, records, end last', async () => {
    const path = join(dir, 'stream.tzt');
    const w = new TranscriptWriter(path, {
      name: 'stream',
      provenance: { origin: 'RECORDED' },
      localRole: 'RESPONDER',
    });
    w.append(sample.records[0]!);
    w.updateSession({ remote: { address: '127.0.0.9:1' } });
    w.begin({ keys: sample.session.keys! });
    w.updateSession({ chainName: 'ignored once begun' });
    for (const r of sample.records.slice(1)) w.append(r);
    await w.end({ reason: 'done' });
    await w.end({ reason: 'twice' });
    const t = readTranscriptFile(path);
    expect(t.records).toEqual(sample.records);
    expect(t.session).toEqual({
      name: 'stream',
      provenance: { origin: 'RECORDED' },
      localRole: 'RESPONDER',
      remote: { address: '127.0.0.9:1' },
      keys: sample.session.keys,
    });
    expect(t.end).toEqual({ reason: 'done' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a session that never began is written whole at its end', async () => {
    const path = join(dir, 'early.tzt');
    const w = new TranscriptWriter(path, { name: 'early' });
    w.append(sample.records[0]!);
    await w.end({ reason: 'handshake failed', code: 'NOT_ENOUGH_PROOF_OF_WORK' });
    expect(readTranscriptFile(path)).toEqual({
      formatVersion: 1,
      session: { name: 'early' },
      records: [sample.records[0]],
      end: { reason: 'handshake failed', code: 'NOT_ENOUGH_PROOF_OF_WORK' },
    });
  });

  it('stops recording when the disk falls behind, and counts what it dropped', async () => {
    const path = join(dir, 'overflow.tzt');
    const w = new TranscriptWriter(path, { name: 'overflow' }, { maxPendingBytes: 1000 });
    w.begin();
    const big: TranscriptRecord = { direction: 'SENT', layer: 'MESSAGE', plaintext: new Uint8Array(600) };
    for (let i = 0; i < 10; i++) w.append(big); // synchronous: nothing reaches the disk meanwhile
    expect(w.dropped).toBeGreaterThan(0);
    await w.end({ reason: 'done' });
    const t = readTranscriptFile(path);
    expect(t.records.length + w.dropped).toBe(10);
    expect(t.end).toEqual({ reason: 'done', droppedRecords: w.dropped });
  });

  it('reports a write failure once and does not throw', async () => {
    const errors: TranscriptError[] = [];
    const w = new TranscriptWriter(
      join(dir, 'no-such-dir', 'x.tzt'),
      { name: 'x' },
      { onError: (e) => errors.push(e) },
    );
    w.append(sample.records[0]!);
    await new Promise((r) => setTimeout(r, 50));
    await w.end({ reason: 'done' });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('TRANSCRIPT_IO');
  });

  it('refuses to overwrite an existing file', async () => {
    const path = join(dir, 'exists.tzt');
    writeFileSync(path, 'keep me');
    const errors: TranscriptError[] = [];
    const w = new TranscriptWriter(path, { name: 'x' }, { onError: (e) => errors.push(e) });
    await w.end({ reason: 'done' });
    expect(errors[0]?.code).toBe('TRANSCRIPT_IO');
    expect(readFileSync(path, 'utf8')).toBe('keep me');
  });
});
