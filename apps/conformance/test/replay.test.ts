import { type Transcript, type TranscriptRecord, listTranscriptFiles, readTranscriptFile } from '@tezos-p2p/transcript';
import { describe, expect, it } from 'vitest';
import {
  type CheckResult,
  DEFAULT_TRANSCRIPTS_DIR,
  type TranscriptReport,
  firstDifference,
  replayFile,
  replayTranscript,
} from '../src/index.js';

const result = (r: TranscriptReport, check: string): CheckResult => r.results.find((c) => c.check === check)!;
const load = (name: string): Transcript => readTranscriptFile(`${DEFAULT_TRANSCRIPTS_DIR}/${name}.tzt`);

/** A copy of `t` with record `i` changed by `f`. */
function mutate(
  t: Transcript,
  pick: (r: TranscriptRecord) => boolean,
  f: (r: TranscriptRecord) => TranscriptRecord,
): Transcript {
  const i = t.records.findIndex(pick);
  expect(i).toBeGreaterThanOrEqual(0);
  return { ...t, records: t.records.map((r, j) => (j === i ? f(r) : r)) };
}

function flip(b: Uint8Array, at: number): Uint8Array {
  const c = Uint8Array.from(b);
  c[at]! ^= 0x01;
  return c;
}

describe('the checked-in conformance suite', () => {
  it('passes every applicable check of every transcript', async () => {
    const files = listTranscriptFiles(DEFAULT_TRANSCRIPTS_DIR);
    expect(files.length).toBeGreaterThanOrEqual(11);
    for (const f of files) {
      const r = await replayFile(f);
      expect(
        r.results.filter((c) => c.status === 'fail'),
        r.name,
      ).toEqual([]);
    }
  });

  it('replays the carthagenet session whole: 5474 + 113 chunks open, 5583 messages re-encode, 5472 chunks re-sent byte for byte', async () => {
    const r = await replayTranscript(load('carthagenet-tezedge-2020'));
    expect(result(r, 'decrypt')).toMatchObject({ status: 'pass', count: 5587 });
    expect(result(r, 'messages')).toMatchObject({ status: 'pass', count: 5587 });
    expect(result(r, 'messages').status === 'pass' && result(r, 'messages')).toMatchObject({
      detail: expect.stringContaining('Advertise 3'),
    });
    expect(result(r, 'handshake')).toMatchObject({ status: 'pass', count: 3 });
    expect(result(r, 'resend')).toMatchObject({ status: 'pass', count: 5472 });
  });

  it('decodes every message of the OCaml node recording, in agreement with the debugger’s labels', async () => {
    const r = await replayTranscript(load('ocaml-node-carthagenet-2020'));
    expect(result(r, 'messages')).toMatchObject({
      status: 'pass',
      count: 627,
      detail: expect.stringMatching(/Get_block_headers 293, Block_header 291, Operation 12, Current_head 9/),
    });
  });
});

describe('the checks fail when the data is wrong', () => {
  const carthagenet = load('carthagenet-tezedge-2020');

  it('a flipped bit in a sent chunk: decrypt fails naming the chunk', async () => {
    const bad = mutate(
      carthagenet,
      (r) => r.layer === 'CHUNK' && r.direction === 'SENT' && r.chunkIndex === 100,
      (r) => ({ ...r, wire: flip(r.wire!, 30) }),
    );
    const c = result(await replayTranscript(bad), 'decrypt');
    expect(c).toMatchObject({ status: 'fail', detail: expect.stringContaining('sent chunk 100 does not open') });
  });

  it('a wrong recorded plaintext: decrypt fails at its first differing byte', async () => {
    const bad = mutate(
      carthagenet,
      (r) => r.chunkIndex === 5 && r.direction === 'SENT',
      (r) => ({ ...r, plaintext: flip(r.plaintext!, 7) }),
    );
    expect(result(await replayTranscript(bad), 'decrypt')).toMatchObject({
      status: 'fail',
      where: 'sent chunk 5 plaintext',
      offset: 7,
    });
  });

  it('a wrong nonce: decrypt says which', async () => {
    const bad = mutate(
      carthagenet,
      (r) => r.chunkIndex === 3 && r.direction === 'RECEIVED',
      (r) => ({ ...r, nonce: flip(r.nonce!, 23) }),
    );
    expect(result(await replayTranscript(bad), 'decrypt')).toMatchObject({
      status: 'fail',
      where: 'received chunk 3 nonce',
      offset: 23,
    });
  });

  it('a changed connection message: the keys and the handshake no longer match', async () => {
    const bad = mutate(
      carthagenet,
      (r) => r.layer === 'CONNECTION_MESSAGE' && r.direction === 'RECEIVED',
      (r) => ({ ...r, wire: flip(r.wire!, 100) }),
    );
    const report = await replayTranscript(bad);
    expect(result(report, 'keys')).toMatchObject({ status: 'fail', where: 'local nonce' });
    expect(result(report, 'handshake')).toMatchObject({ status: 'fail', where: 'our Metadata chunk' });
  });

  it('a recorded kind that disagrees with the bytes', async () => {
    const ocaml = load('ocaml-node-carthagenet-2020');
    const bad = mutate(
      ocaml,
      (r) => r.kind === 'get_current_branch',
      (r) => ({ ...r, kind: 'current_head' }),
    );
    expect(result(await replayTranscript(bad), 'messages')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/recorded as current_head, decodes as Get_current_branch/),
    });
  });

  it('a value that is not canonical: re-encoding differs', async () => {
    const values = load('mainnet-values-tezedge-2021');
    // Trailing garbage after a Get_current_branch body is not something Octez would accept.
    const bad = mutate(
      values,
      (r) => r.kind === 'Get_current_branch',
      (r) => ({ ...r, plaintext: Uint8Array.from([...r.plaintext!, 0]) }),
    );
    expect(result(await replayTranscript(bad), 'values')).toMatchObject({ status: 'fail' });
  });

  it('an unreadable file is a failed transcript, not a crash', async () => {
    const r = await replayFile(`${DEFAULT_TRANSCRIPTS_DIR}/no-such.tzt`);
    expect(r.results).toEqual([
      expect.objectContaining({ status: 'fail', detail: expect.stringContaining('TRANSCRIPT_IO') }),
    ]);
  });
});

describe('firstDifference', () => {
  it('is the first differing offset, or the shorter length', () => {
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBeUndefined();
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 9, 3))).toBe(1);
    expect(firstDifference(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 3))).toBe(2);
  });
});
