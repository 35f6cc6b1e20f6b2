import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MemoryTranscriptSink,
  listTranscriptFiles,
  readTranscriptFile,
  transcriptRecorder,
  writeTranscriptFile,
} from '@tezos-p2p/transcript';
import { generateIdentity } from '@tezos-p2p/crypto';
import { createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import { afterAll, describe, expect, it } from 'vitest';
import { replayFile } from '../src/index.js';
import { startTzp2p } from './tzp2p-node.js';

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const base = `127.0.${1 + (process.pid % 200)}`;

describe('tzp2p run --record', () => {
  it('records a session between two of our nodes (one a tzp2p process), and both recordings replay as conformance cases', async () => {
    // B: a tzp2p node with --record and --echo; A: a P2P layer of the library, also recording.
    const b = await startTzp2p([
      '--data-dir',
      join(dir, 'b'),
      '--network',
      'sandbox',
      '--net-addr',
      `${base}.92:0`,
      '--expected-pow',
      '0',
      '--no-bootstrap-peers',
      '--echo',
      '--record',
      join(dir, 'b-rec'),
    ]);
    const sinks: MemoryTranscriptSink[] = [];
    const tapFor = () => {
      const sink = new MemoryTranscriptSink({ name: `a-${sinks.length}`, provenance: { origin: 'RECORDED' } });
      sinks.push(sink);
      return transcriptRecorder(sink);
    };
    const a = await createP2p(
      {
        identity: await generateIdentity({ difficulty: 0, workers: 0 }),
        listenAddr: `${base}.91`,
        localAddress: `${base}.91`,
        listeningPort: 0,
        expectedProofOfWork: 0,
        sessionTap: tapFor,
      },
      { maintenanceIdleTimeMs: null },
      rawMessageParams('TEZOS'),
    );
    try {
      const [ip, port] = [
        b.listen.slice(0, b.listen.lastIndexOf(':')),
        Number(b.listen.slice(b.listen.lastIndexOf(':') + 1)),
      ];
      const conn = await a.connect({ ip, port });
      // Shell messages both ways, one spanning several chunks: B echoes them.
      await a.send(conn, { tag: 0x10, payload: Uint8Array.from([0x9c, 0xae, 0xca, 0xb9]) });
      await a.send(conn, { tag: 0x31, payload: new Uint8Array(100_000).fill(3) });
      for (let i = 0; i < 2; i++) await a.recv(conn);
    } finally {
      await a.stop();
      expect(await b.stop()).toBe(0);
    }
    mkdirSync(join(dir, 'a-rec'));
    for (const sink of sinks) {
      await sink.whenEnded();
      writeTranscriptFile(join(dir, 'a-rec', `${sink.session.name}.tzt`), sink.transcript());
    }
    const files = [...listTranscriptFiles(join(dir, 'a-rec')), ...listTranscriptFiles(join(dir, 'b-rec'))];
    const transcripts = files.map((f) => ({ f, t: readTranscriptFile(f) }));
    // Either node may learn its own point from the other (B's maintenance asks A for peers with
    // Bootstrap and A advertises every point it knows, B's included, as an Octez node would), dial it
    // and stop at Myself, on both ends of that connection. Those sessions are a node with itself.
    const self = (t: (typeof transcripts)[number]['t']) =>
      t.session.local?.peerId !== undefined && t.session.local.peerId === t.session.remote?.peerId;
    const between = transcripts.filter(({ t }) => !self(t));
    expect(between.map(({ f }) => f.slice(dir.length))).toHaveLength(2);
    expect(between.filter(({ f }) => f.startsWith(join(dir, 'a-rec')))).toHaveLength(1);
    // Each end stops at Myself on reading the other's connection message, unless the other end's close
    // arrives first.
    for (const { f, t } of transcripts.filter(({ t }) => self(t)))
      expect(['MYSELF', 'CONNECTION_CLOSED'], f).toContain(t.end?.code);
    for (const { f, t } of between) {
      expect(statSync(f).mode & 0o777).toBe(0o600);
      expect(t.session.provenance?.origin).toBe('RECORDED');
      expect(t.session.keys?.channelKey).toHaveLength(32);
      // The node's own secret key is never recorded.
      expect(t.session.local?.secretKey).toBeUndefined();
      expect(t.end?.reason).toBeTruthy();
      const kinds = t.records.filter((r) => r.layer === 'CHUNK').map((r) => r.kind);
      expect(kinds).toEqual(expect.arrayContaining(['metadata', 'Ack', 'Get_current_branch', 'Operation', 'fragment']));

      const report = await replayFile(f);
      expect(report.results.filter((c) => c.status === 'fail')).toEqual([]);
      const byCheck = Object.fromEntries(report.results.map((c) => [c.check, c.status]));
      expect(byCheck).toMatchObject({ 'connection-messages': 'pass', keys: 'pass', decrypt: 'pass', messages: 'pass' });
    }
  });
});
