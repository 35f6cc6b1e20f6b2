import fc from 'fast-check';
import { concatBytes, encode, fromHex } from '@tezos-p2p/encoding';
import { getCryptoBackend, generateNonces, incrementNonce, type Identity } from '@tezos-p2p/crypto';
import {
  type P2pMessage,
  type RawAppMessage,
  encodeConnectionMessageFrame,
  shellConnectionMetadataEncoding,
} from '@tezos-p2p/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChunkCipher,
  type Connection,
  ConnectionError,
  IncomingMessages,
  authenticate,
  createMemorySocketPair,
  establish,
  type EstablishOptions,
} from '../src/index.js';
import { makeIdentity, options, rawEncoding, readBytes } from './helpers.js';

let alice: Identity;
let bob: Identity;
beforeAll(async () => {
  alice = await makeIdentity();
  bob = await makeIdentity();
});

type Conn = Connection<RawAppMessage>;

async function pair(
  extraA: Partial<EstablishOptions<RawAppMessage, unknown>> = {},
  extraB: Partial<EstablishOptions<RawAppMessage, unknown>> = {},
): Promise<[Conn, Conn]> {
  const [x, y] = createMemorySocketPair();
  return Promise.all([
    establish(x, { ...options(alice, false), messageEncoding: rawEncoding, ...extraA }) as Promise<Conn>,
    establish(y, { ...options(bob, true), messageEncoding: rawEncoding, ...extraB }) as Promise<Conn>,
  ]);
}

const app = (tag: number, n: number, fill = 1): P2pMessage<RawAppMessage> => ({
  kind: 'Message',
  message: { tag, payload: new Uint8Array(n).fill(fill) },
});

describe('chunk framing', () => {
  it('property: any chunking by the peer and any read boundaries yield the same messages', () => {
    const b = getCryptoBackend();
    const key = new Uint8Array(32).fill(2);
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 6 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (bodies, perChunk, cuts) => {
          const frames = bodies.map((body) =>
            concatBytes([new Uint8Array([0, 0, body.length >> 8, body.length & 0xff]), body]),
          );
          // The peer may cut the plaintext stream anywhere, not only at message boundaries.
          const wire = new ChunkCipher(b, key, new Uint8Array(24)).seal(concatBytes(frames), perChunk).buffer;
          const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((x, y) => x - y);
          const got: Uint8Array[] = [];
          const incoming = new IncomingMessages(new ChunkCipher(b, key, new Uint8Array(24)), 1 << 20, (f) =>
            got.push(Uint8Array.from(f)),
          );
          let prev = 0;
          for (const p of [...points, wire.length]) {
            incoming.push(wire.subarray(prev, p));
            prev = p;
          }
          expect(got).toEqual(frames);
          expect(incoming.buffered).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses an announced size beyond the cap at once, and a short ciphertext', () => {
    const b = getCryptoBackend();
    const key = new Uint8Array(32);
    const over = new IncomingMessages(new ChunkCipher(b, key, new Uint8Array(24)), 1000, () => undefined);
    expect(() => over.push(new ChunkCipher(b, key, new Uint8Array(24)).seal(fromHex('000003e5')).buffer)).toThrow(
      expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }),
    );
    const short = new IncomingMessages(new ChunkCipher(b, key, new Uint8Array(24)), 1000, () => undefined);
    expect(() => short.push(fromHex('000f' + '00'.repeat(15)))).toThrow(
      expect.objectContaining({ code: 'INVALID_INCOMING_CIPHERTEXT_SIZE' }),
    );
  });

  it('a message is cut into chunks of at most binary_chunks_size − 18 plaintext bytes', () => {
    const b = getCryptoBackend();
    const c = new ChunkCipher(b, new Uint8Array(32), new Uint8Array(24));
    const { chunks } = c.seal(new Uint8Array(100), 40 - 18);
    expect(chunks.map((x) => x.length)).toEqual([40, 40, 40, 40, 30]);
    expect(c.nonce).toEqual(incrementNonce(new Uint8Array(24), 5));
    expect(c.seal(new Uint8Array(0)).chunks.map((x) => x.length)).toEqual([18]);
  });

  it('accepts any chunking the peer chooses: several messages per chunk, messages across odd chunk sizes', async () => {
    const [ours, theirs] = createMemorySocketPair();
    const me = authenticate(ours, options(alice, true));
    // Play the peer by hand with its own keys.
    const b = getCryptoBackend();
    const theirMsg = encodeConnectionMessageFrame({
      port: 9732,
      publicKey: bob.publicKey,
      proofOfWorkStamp: bob.proofOfWorkStamp,
      messageNonce: new Uint8Array(24).fill(4),
      version: { chainName: 'TEZOS_TEST_CHAIN', distributedDbVersion: 2, p2pVersion: 1 },
    });
    theirs.write(theirMsg);
    const ourMsgHead = await readBytes(theirs, 2);
    const ourMsg = concatBytes([ourMsgHead, await readBytes(theirs, (ourMsgHead[0]! << 8) | ourMsgHead[1]!)]);
    const n = generateNonces(b, { incoming: false, sentMessage: theirMsg, receivedMessage: ourMsg });
    const key = b.precompute(bob.secretKey.expose(), alice.publicKey);
    const send = new ChunkCipher(b, key, n.local);
    theirs.write(
      send.seal(encode(shellConnectionMetadataEncoding, { disableMempool: true, privateNode: false })).buffer,
    );
    const authed = await me;
    expect(authed.info.remoteMetadata).toEqual({ disableMempool: true, privateNode: false });
    const conn = authed.accept({ messageEncoding: rawEncoding });
    theirs.write(send.seal(fromHex('00')).buffer); // Ack
    const c = await conn;
    const m1 = encode(rawEncoding, { kind: 'Bootstrap' });
    const m2 = encode(rawEncoding, app(0x20, 1000, 7));
    const m3 = encode(rawEncoding, { kind: 'Disconnect' });
    // Bootstrap and the start of m2 in one chunk, the rest of m2 in 7-byte chunks, then m3 alone.
    const stream = concatBytes([m1, m2, m3]);
    const parts = [stream.subarray(0, m1.length + 10)];
    for (let at = m1.length + 10; at < m1.length + m2.length; at += 7)
      parts.push(stream.subarray(at, Math.min(at + 7, m1.length + m2.length)));
    parts.push(m3);
    theirs.write(concatBytes(parts.map((p) => send.seal(p).buffer)));
    expect(await c.recv()).toEqual({ kind: 'Bootstrap' });
    expect(await c.recv()).toEqual(app(0x20, 1000, 7));
    expect(await c.recv()).toEqual({ kind: 'Disconnect' });
    c.close();
  });
});

describe('authenticated connection', () => {
  it('a slow consumer pauses the socket: bounded queues on both sides, nothing lost, order kept', async () => {
    const [a, b] = await pair({ writeQueueSize: 64 * 1024 }, { readQueueSize: 16 * 1024 });
    const N = 300;
    let refused = 0;
    const sending = (async () => {
      for (let i = 0; i < N; i++) {
        const m = app(0x10, 4000, i & 0xff);
        if (!a.trySend(m)) {
          refused++;
          await a.send(m);
        }
      }
    })();
    // Let the pipeline fill up with nobody reading.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    // The bound may be exceeded by what one socket read delivers (≤ 64 KiB).
    expect(b.queuedIncoming.bytes).toBeLessThanOrEqual(16 * 1024 + 64 * 1024 + 4010);
    expect(a.queuedOutgoing).toBeLessThanOrEqual(64 * 1024 + 4100);
    expect(refused).toBeGreaterThan(0);
    for (let i = 0; i < N; i++) {
      const m = await b.recv();
      expect(m.kind === 'Message' && m.message.payload[0]).toBe(i & 0xff);
    }
    await sending;
    expect(b.stat().messagesReceived).toBe(N);
    a.close();
  });

  it('after the peer closes, queued messages stay readable, then recv fails CONNECTION_CLOSED', async () => {
    const [a, b] = await pair();
    await a.send(app(0x10, 10));
    await a.send(app(0x11, 10));
    await a.disconnect({ wait: true, reason: { kind: 'User', message: 'bye' } });
    await expect(a.closed).resolves.toEqual({ kind: 'User', message: 'bye' });
    await expect(b.closed).resolves.toEqual({ kind: 'Connection_closed_by_peer' });
    expect((await b.recv()).kind).toBe('Message');
    expect((await b.recv()).kind).toBe('Message');
    await expect(b.recv()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await expect(a.send({ kind: 'Bootstrap' })).rejects.toMatchObject({ code: 'CONNECTION_CLOSED_LOCALLY' });
    const seen: string[] = [];
    for await (const m of b) seen.push(m.kind);
    expect(seen).toEqual([]);
  });

  it('typed errors for oversized and unencodable messages; nothing is sent', async () => {
    const [a, b] = await pair({ maxMessageSize: 1000 });
    await expect(a.send(app(0x10, 2000))).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    await expect(a.send(app(0x01, 1))).rejects.toMatchObject({ code: 'ENCODING_ERROR' });
    expect(() =>
      a.trySend({ kind: 'Advertise', points: Array.from({ length: 101 }, () => ({ ip: '1.1.1.1', port: 1 })) }),
    ).toThrow(ConnectionError);
    await a.send({ kind: 'Bootstrap' });
    expect(await b.recv()).toEqual({ kind: 'Bootstrap' });
    expect(a.stat().messagesSent).toBe(1);
    a.close();
  });

  it('counts bytes and messages both ways', async () => {
    const [a, b] = await pair();
    await a.send(app(0x10, 100));
    await b.recv();
    const wire = 2 + 16 + 106; // one chunk
    const before = { a: a.stat(), b: b.stat() };
    expect(before.a.messagesSent).toBe(1);
    expect(before.b.messagesReceived).toBe(1);
    expect(before.b.bytesReceived).toBe(wire);
    expect(before.a.bytesSent).toBe(wire);
    a.close();
  });

  it('a handshake is cancelled by its AbortSignal with CANCELED', async () => {
    const [x] = createMemorySocketPair();
    const ac = new AbortController();
    const p = authenticate(x, { ...options(alice, false), signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'CANCELED' });
    expect(x.destroyed).toBe(true);
  });

  it('a low-order public key fails key agreement with INVALID_AUTH', async () => {
    const [ours, theirs] = createMemorySocketPair();
    const p = authenticate(ours, options(alice, true));
    theirs.write(
      encodeConnectionMessageFrame({
        port: 1,
        publicKey: new Uint8Array(32),
        proofOfWorkStamp: new Uint8Array(24),
        messageNonce: new Uint8Array(24),
        version: { chainName: 'TEZOS_TEST_CHAIN', distributedDbVersion: 2, p2pVersion: 1 },
      }),
    );
    await expect(p).rejects.toMatchObject({ code: 'INVALID_AUTH' });
  });
});
