import { describe, expect, it } from 'vitest';
import { readTranscriptFile } from '@tezos-p2p/transcript';
import { DEFAULT_TRANSCRIPTS_DIR, buildTranscripts, compareImports, isImported } from '../src/index.js';

const transcripts = buildTranscripts();
const byName = new Map(transcripts.map((t) => [t.session.name, t]));

describe('conformance-import', () => {
  it('the checked-in transcripts are exactly what the fixtures yield (run `npm run conformance:import` after changing the importer)', () => {
    expect(compareImports(DEFAULT_TRANSCRIPTS_DIR, transcripts, isImported)).toEqual([]);
  });

  it('every imported transcript decodes back to what was built', () => {
    for (const t of transcripts)
      expect(readTranscriptFile(`${DEFAULT_TRANSCRIPTS_DIR}/${t.session.name}.tzt`)).toEqual(t);
  });

  it('takes the whole sent side of the carthagenet CSV and the independent checker’s plaintexts', () => {
    const t = byName.get('carthagenet-tezedge-2020')!;
    const sent = t.records.filter((r) => r.direction === 'SENT' && r.layer === 'CHUNK');
    const received = t.records.filter((r) => r.direction === 'RECEIVED' && r.layer === 'CHUNK');
    expect(sent).toHaveLength(5474);
    expect(sent.map((r) => r.chunkIndex)).toEqual(sent.map((_, i) => i));
    expect(sent.filter((r) => r.plaintext !== undefined)).toHaveLength(200);
    expect(received).toHaveLength(113);
    expect(t.session.local?.secretKey).toHaveLength(32);
    expect(t.session.remote?.peerId).toBe('idtdVEDBSoi2auJJ9CmUaNnK4FSNk6');
  });

  it('splits the OCaml node recording by remote, chunk indices counted per direction', () => {
    const t = byName.get('ocaml-node-carthagenet-2020')!;
    expect(t.records).toHaveLength(629);
    expect(t.session.local?.peerId).toBe('idsmBv1goo7oDD49N4UMuCwTC5HWJP');
    for (const d of ['SENT', 'RECEIVED'] as const) {
      const chunks = t.records.filter((r) => r.direction === d && r.layer === 'CHUNK');
      expect(chunks.map((r) => r.chunkIndex)).toEqual(chunks.map((_, i) => i));
    }
    expect(byName.get('ocaml-node-carthagenet-2020-unanswered')!.records).toHaveLength(2);
  });

  it('names every import so recordings and hand-made cases beside them are left alone', () => {
    for (const t of transcripts) expect(isImported(t.session.name)).toBe(true);
    expect(isImported('recorded-2026-11-22')).toBe(false);
  });
});
