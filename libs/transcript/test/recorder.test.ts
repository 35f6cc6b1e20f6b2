import { createMemorySocketPair, establish } from '@tezos-p2p/connection';
import { generateIdentity } from '@tezos-p2p/crypto';
import { encode } from '@tezos-p2p/encoding';
import { type RawAppMessage, p2pMessageEncoding, rawAppMessages, shellConnectionMetadataConfig } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import {
  MemoryTranscriptSink,
  MessageBoundaries,
  decodeTranscript,
  encodeTranscript,
  transcriptRecorder,
} from '../src/index.js';

const raw = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });
const frame = (tag: number, n: number) =>
  encode(raw, { kind: 'Message', message: { tag, payload: new Uint8Array(n).fill(7) } });

describe('MessageBoundaries', () => {
  it('labels each chunk with the message it starts, whatever the chunking', () => {
    const stream = Uint8Array.from([
      ...frame(0x10, 4),
      ...frame(0x21, 30),
      ...encode(raw, { kind: 'Bootstrap' }),
      ...frame(0x1234, 0),
    ]);
    // Chunks that hold whole headers are named; the stream is followed exactly, message by message.
    const b = new MessageBoundaries();
    const cuts = [0, 10, 16, 46, 52, 58];
    expect(cuts.map((at, i) => b.label(stream.subarray(at, cuts[i + 1] ?? stream.length)))).toEqual(
      ['Get_current_branch', 'Block_header', 'fragment', 'Bootstrap', 'app_0x1234', 'fragment'].slice(0, cuts.length),
    );
    // A chunk that starts a message without holding its whole 6-byte header cannot name it.
    const d = new MessageBoundaries();
    expect([...stream].map((x) => d.label(Uint8Array.of(x))).every((l) => l === 'fragment')).toBe(true);
    // Everything in one chunk: the first message names it.
    expect(new MessageBoundaries().label(stream)).toBe('Get_current_branch');
    // A chunk that ends a message and starts the next is named after the one it starts.
    const c = new MessageBoundaries();
    expect(c.label(stream.subarray(0, 8))).toBe('Get_current_branch');
    expect(c.label(stream.subarray(8, 16))).toBe('Block_header');
    expect(c.label(stream.subarray(16, 20))).toBe('fragment');
  });
});

describe('transcriptRecorder', () => {
  it('records both ends of a session: connection messages, keys, every chunk with kinds, the end', async () => {
    const [a, b] = await Promise.all([
      generateIdentity({ difficulty: 0, workers: 0 }),
      generateIdentity({ difficulty: 0, workers: 0 }),
    ]);
    const sinks = [new MemoryTranscriptSink({ name: 'a' }), new MemoryTranscriptSink({ name: 'b' })];
    const [sa, sb] = createMemorySocketPair();
    const common = {
      version: { chainName: 'TZP2P_TEST', distributedDbVersion: 2, p2pVersion: 1 },
      expectedProofOfWork: 0,
      metadata: shellConnectionMetadataConfig(),
      messageEncoding: raw,
      binaryChunksSize: 100,
    };
    const [ca, cb] = await Promise.all([
      establish(sa, {
        ...common,
        identity: a,
        listeningPort: 1,
        incoming: false,
        tap: transcriptRecorder(sinks[0]!, { localSecretKey: a.secretKey.expose() }),
      }),
      establish(sb, { ...common, identity: b, listeningPort: 2, incoming: true, tap: transcriptRecorder(sinks[1]!) }),
    ]);
    await ca.send({ kind: 'Message', message: { tag: 0x10, payload: new Uint8Array(300) } });
    await cb.recv();
    await cb.send({ kind: 'Bootstrap' });
    await ca.recv();
    ca.close();
    await Promise.all(sinks.map((s) => s.whenEnded()));

    const [ta, tb] = sinks.map((s) => decodeTranscript(encodeTranscript(s.transcript())));
    expect(ta!.session).toMatchObject({
      localRole: 'INITIATOR',
      chainName: 'TZP2P_TEST',
      local: { peerId: a.peerId, implementation: 'tezos-p2p-ts' },
      remote: { peerId: b.peerId },
    });
    expect(ta!.session.local!.secretKey).toEqual(a.secretKey.expose());
    expect(tb!.session.local!.secretKey).toBeUndefined();
    expect(ta!.session.keys!.localNonce).toEqual(tb!.session.keys!.remoteNonce);
    expect(ta!.session.keys!.channelKey).toEqual(tb!.session.keys!.channelKey);
    const kinds = (t: typeof ta, d: string) =>
      t!.records.filter((r) => r.direction === d && r.layer === 'CHUNK').map((r) => r.kind);
    // 300-byte payload + 6 header bytes in chunks of 82: 4 chunks, the first named.
    expect(kinds(ta, 'SENT')).toEqual(['metadata', 'Ack', 'Get_current_branch', 'fragment', 'fragment', 'fragment']);
    expect(kinds(ta, 'RECEIVED')).toEqual(['metadata', 'Ack', 'Bootstrap']);
    expect(kinds(tb, 'RECEIVED')).toEqual(kinds(ta, 'SENT'));
    const sentA = ta!.records.filter((r) => r.direction === 'SENT' && r.layer === 'CHUNK');
    const recvB = tb!.records.filter((r) => r.direction === 'RECEIVED' && r.layer === 'CHUNK');
    expect(recvB.map((r) => [r.wire, r.nonce, r.plaintext])).toEqual(sentA.map((r) => [r.wire, r.nonce, r.plaintext]));
    expect(ta!.end).toMatchObject({ reason: expect.any(String) });
    expect(tb!.end).toMatchObject({ reason: expect.any(String) });
  });
});
