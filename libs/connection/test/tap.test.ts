import { decode } from '@tezos-p2p/encoding';
import { type Identity, getCryptoBackend, incrementNonce } from '@tezos-p2p/crypto';
import { type P2pMessage, type RawAppMessage, ackEncoding, shellConnectionMetadataEncoding } from '@tezos-p2p/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChunkCipher,
  type Connection,
  type EstablishOptions,
  authenticate,
  createMemorySocketPair,
  establish,
  type ByteStream,
} from '../src/index.js';
import { type Recording, closedOf, makeIdentity, options, rawEncoding, recordingTap, tcpPair } from './helpers.js';

let alice: Identity;
let bob: Identity;
beforeAll(async () => {
  alice = await makeIdentity();
  bob = await makeIdentity();
});

type Conn = Connection<RawAppMessage>;
type Extra = Partial<EstablishOptions<RawAppMessage, unknown>>;

const app = (tag: number, n: number, fill = 1): P2pMessage<RawAppMessage> => ({
  kind: 'Message',
  message: { tag, payload: new Uint8Array(n).fill(fill) },
});

function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: { code: string } }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: { code: string }) => ({ ok: false as const, error }),
  );
}

/** Two tapped ends over `sockets` (initiator alice, responder bob). */
async function tappedPair(
  sockets: [ByteStream, ByteStream],
  extraA: Extra = {},
  extraB: Extra = {},
): Promise<{ a: Conn; b: Conn; ra: Recording; rb: Recording }> {
  const ta = recordingTap();
  const tb = recordingTap();
  const [a, b] = await Promise.all([
    establish(sockets[0], {
      ...options(alice, false),
      messageEncoding: rawEncoding,
      tap: ta.tap,
      ...extraA,
    }) as Promise<Conn>,
    establish(sockets[1], {
      ...options(bob, true),
      messageEncoding: rawEncoding,
      tap: tb.tap,
      ...extraB,
    }) as Promise<Conn>,
  ]);
  return { a, b, ra: ta.rec, rb: tb.rec };
}

/** Byte equality without vitest's element-by-element deep walk (slow on 64 KiB chunks). */
function same(x: Uint8Array | undefined, y: Uint8Array | undefined): boolean {
  return x === undefined || y === undefined
    ? x === y
    : Buffer.from(x.buffer, x.byteOffset, x.length).equals(Buffer.from(y.buffer, y.byteOffset, y.length));
}

/** One direction: the sender's chunks equal the receiver's, indices from 0, nonces consecutive, and each opens to its plaintext. */
function checkDirection(sender: Recording, receiver: Recording): void {
  const key = sender.keys!.channelKey;
  expect(sender.sent.length).toBeGreaterThanOrEqual(2);
  expect(receiver.received.length).toBe(sender.sent.length);
  sender.sent.forEach((c, i) => {
    const r = receiver.received[i]!;
    expect(c.index).toBe(i);
    expect(r.index).toBe(i);
    expect(c.direction).toBe('sent');
    expect(r.direction).toBe('received');
    expect(r.nonce).toEqual(c.nonce);
    expect(same(r.wire, c.wire)).toBe(true);
    expect(c.plaintext).toBeDefined();
    expect(same(r.plaintext, c.plaintext)).toBe(true);
    expect(c.nonce).toEqual(incrementNonce(sender.keys!.localNonce, i));
    expect((c.wire[0]! << 8) | c.wire[1]!).toBe(c.wire.length - 2);
    expect(c.wire.length).toBe(2 + 16 + c.plaintext!.length);
    // Independent check: the tapped wire opens at the tapped nonce with the tapped key.
    expect(same(new ChunkCipher(getCryptoBackend(), key, c.nonce).open(c.wire.subarray(2)), c.plaintext)).toBe(true);
  });
  // Index 0 is the Metadata, index 1 the Ack.
  expect(decode(shellConnectionMetadataEncoding, sender.sent[0]!.plaintext!)).toBeDefined();
  expect(decode(ackEncoding, sender.sent[1]!.plaintext!)).toEqual({ kind: 'Ack' });
}

function checkSession(ra: Recording, rb: Recording): void {
  expect(ra.messages!.incoming).toBe(false);
  expect(rb.messages!.incoming).toBe(true);
  expect(ra.messages!.sent).toEqual(rb.messages!.received);
  expect(ra.messages!.received).toEqual(rb.messages!.sent);
  expect(ra.keys!.channelKey).toEqual(rb.keys!.channelKey);
  expect(ra.keys!.localNonce).toEqual(rb.keys!.remoteNonce);
  expect(ra.keys!.remoteNonce).toEqual(rb.keys!.localNonce);
  checkDirection(ra, rb);
  checkDirection(rb, ra);
  for (const r of [ra, rb]) {
    expect(r.calls.slice(0, 2)).toEqual(['connectionMessages', 'keys']);
    expect(r.calls.at(-1)).toBe('end');
    expect(r.calls.filter((c) => c === 'end')).toHaveLength(1);
    expect(r.ends).toHaveLength(1);
    expect(r.errors).toEqual([]);
  }
}

describe('session tap', () => {
  it('sees both connection messages, the keys and every chunk both ways, chunk by chunk (memory socket, small chunks)', async () => {
    const { a, b, ra, rb } = await tappedPair(createMemorySocketPair(), { binaryChunksSize: 100 });
    await a.send(app(0x10, 1000, 3)); // 1008 plaintext bytes: 13 chunks of ≤ 82
    await a.send({ kind: 'Bootstrap' });
    await b.send(app(0x11, 200_000, 4)); // several 65517-byte chunks
    expect(await b.recv()).toEqual(app(0x10, 1000, 3));
    expect(await b.recv()).toEqual({ kind: 'Bootstrap' });
    const big = await a.recv();
    expect(big.kind === 'Message' && big.message.payload.length).toBe(200_000);
    a.close();
    await Promise.all([ra.ended, rb.ended]);

    checkSession(ra, rb);
    // Metadata + Ack + 13 + 1 chunks from a; every one fits binary_chunks_size.
    expect(ra.sent).toHaveLength(2 + 13 + 1);
    expect(ra.sent.every((c) => c.wire.length <= 100)).toBe(true);
    expect(rb.sent).toHaveLength(2 + Math.ceil(200_008 / 65517));
    // The connection's chunks are exactly the bytes it counted.
    const wireBytes = (r: Recording, dir: 'sent' | 'received') =>
      r[dir].slice(2).reduce((n, c) => n + c.wire.length, 0);
    expect(wireBytes(ra, 'sent')).toBe(a.stat().bytesSent);
    expect(wireBytes(ra, 'received')).toBe(a.stat().bytesReceived);
    expect(wireBytes(rb, 'received')).toBe(b.stat().bytesReceived);
    expect(ra.ends).toEqual([{ reason: 'Unknown_reason' }]);
    expect(rb.ends).toEqual([{ reason: 'Connection_closed_by_peer', code: 'CONNECTION_CLOSED' }]);
    await b.closed;
    expect(rb.ends).toHaveLength(1);
  });

  it('over real TCP on 127.0.0.1: the same transcript on both ends; a graceful disconnect ends once', async () => {
    const [client, server, stop] = await tcpPair('127.0.0.1');
    const { a, b, ra, rb } = await tappedPair(
      [client, server],
      { remote: { ip: '127.0.0.1', port: 19732 } },
      { binaryChunksSize: 1000 },
    );
    const payload = new Uint8Array(300_000).map((_, i) => i & 0xff);
    await b.send({ kind: 'Message', message: { tag: 0x12, payload } });
    await a.send(app(0x10, 70_000));
    await a.send({ kind: 'Advertise', points: [{ ip: '10.0.0.1', port: 9732 }] });
    const m = await a.recv();
    expect(m.kind === 'Message' && Buffer.from(m.message.payload).equals(Buffer.from(payload))).toBe(true);
    expect((await b.recv()).kind).toBe('Message');
    expect((await b.recv()).kind).toBe('Advertise');
    await a.disconnect({ wait: true, reason: { kind: 'User', message: 'bye' } });
    await Promise.all([ra.ended, rb.ended, closedOf(client), closedOf(server)]);
    checkSession(ra, rb);
    expect(rb.sent.length).toBe(2 + Math.ceil(300_008 / 982));
    expect(ra.ends).toEqual([{ reason: 'user: bye' }]);
    expect(rb.ends).toEqual([{ reason: 'Connection_closed_by_peer', code: 'CONNECTION_CLOSED' }]);
    await stop();
  });

  it('a Nack: the refusing side ends with "Nack sent", the refused one with REJECTED_BY_NACK, once each', async () => {
    const [x, y] = createMemorySocketPair();
    const ta = recordingTap();
    const tb = recordingTap();
    const [accepted, refused] = await Promise.all([
      settle(
        authenticate(x, options(alice, false, { tap: ta.tap })).then((s) => s.accept({ messageEncoding: rawEncoding })),
      ),
      authenticate(y, options(bob, true, { tap: tb.tap })).then((s) => s.nack({ kind: 'Too_many_connections' })),
    ]);
    expect(refused).toBeUndefined();
    expect(accepted).toMatchObject({ ok: false, error: { code: 'REJECTED_BY_NACK' } });
    await Promise.all([ta.rec.ended, tb.rec.ended]);
    expect(ta.rec.ends).toEqual([{ reason: expect.stringContaining('refused') as string, code: 'REJECTED_BY_NACK' }]);
    expect(tb.rec.ends).toEqual([{ reason: expect.stringMatching(/^Nack sent: /) as string }]);
    expect(tb.rec.calls).toEqual(['connectionMessages', 'keys', 'chunk', 'chunk', 'chunk', 'end']);
    // The refused side read the Nack as its received chunk 1.
    const nack = decode(ackEncoding, ta.rec.received[1]!.plaintext!);
    expect(nack).toMatchObject({ kind: 'Nack', motive: { kind: 'Too_many_connections' } });
    expect(ta.rec.received[1]!.wire).toEqual(tb.rec.sent[1]!.wire);
  });

  it('closing an authenticated socket without an answer ends once; the peer ends with CONNECTION_CLOSED', async () => {
    const [x, y] = createMemorySocketPair();
    const ta = recordingTap();
    const tb = recordingTap();
    const [accepted] = await Promise.all([
      settle(
        authenticate(x, options(alice, false, { tap: ta.tap })).then((s) => s.accept({ messageEncoding: rawEncoding })),
      ),
      authenticate(y, options(bob, true, { tap: tb.tap })).then((s) => {
        s.close();
        s.close();
      }),
    ]);
    expect(accepted).toMatchObject({ ok: false, error: { code: 'CONNECTION_CLOSED' } });
    expect(tb.rec.ends).toEqual([{ reason: 'closed without an answer' }]);
    expect(ta.rec.ends).toEqual([{ reason: expect.any(String) as string, code: 'CONNECTION_CLOSED' }]);
  });

  it('a handshake failure (not enough proof of work): only connectionMessages, then end', async () => {
    const [x, y] = createMemorySocketPair();
    const ta = recordingTap();
    const tb = recordingTap();
    const [ra, rb] = await Promise.all([
      settle(authenticate(x, options(alice, false, { tap: ta.tap }))),
      settle(authenticate(y, options(bob, true, { tap: tb.tap, expectedProofOfWork: 40 }))),
    ]);
    expect(rb).toMatchObject({ ok: false, error: { code: 'NOT_ENOUGH_PROOF_OF_WORK' } });
    expect(ra.ok).toBe(false);
    expect(tb.rec.calls).toEqual(['connectionMessages', 'end']);
    expect(tb.rec.ends).toEqual([
      { reason: expect.stringContaining('proof of work') as string, code: 'NOT_ENOUGH_PROOF_OF_WORK' },
    ]);
    expect(tb.rec.messages!.received).toEqual(ta.rec.messages!.sent);
    expect(ta.rec.ends).toHaveLength(1);
    expect(ta.rec.calls.at(-1)).toBe('end');
  });

  it('a garbage chunk: reported with plaintext undefined, then end with DECIPHER_ERROR', async () => {
    const [x, y] = createMemorySocketPair();
    const { a, b, rb } = await tappedPair([x, y]);
    await a.send({ kind: 'Bootstrap' });
    expect(await b.recv()).toEqual({ kind: 'Bootstrap' });
    const garbage = new Uint8Array(2 + 40).fill(0x5a);
    garbage[0] = 0;
    garbage[1] = 40;
    x.write(garbage);
    await expect(b.closed).resolves.toMatchObject({ kind: 'Read_error', error: { code: 'DECIPHER_ERROR' } });
    const last = rb.received.at(-1)!;
    expect(last).toMatchObject({ index: 3, plaintext: undefined });
    expect(last.wire).toEqual(garbage);
    expect(last.nonce).toEqual(incrementNonce(rb.keys!.remoteNonce, 3));
    expect(rb.calls.slice(-2)).toEqual(['chunk', 'end']);
    expect(rb.ends).toEqual([{ reason: expect.stringContaining('DECIPHER_ERROR') as string, code: 'DECIPHER_ERROR' }]);
    a.close();
  });

  it('a chunk shorter than its tag, split across reads: reported, then end with INVALID_INCOMING_CIPHERTEXT_SIZE', async () => {
    const [x, y] = createMemorySocketPair();
    const { a, b, rb } = await tappedPair([x, y]);
    x.write(new Uint8Array([0]));
    await new Promise((r) => setImmediate(r));
    x.write(new Uint8Array([5, 1, 2, 3, 4, 5]));
    await expect(b.closed).resolves.toMatchObject({
      kind: 'Read_error',
      error: { code: 'INVALID_INCOMING_CIPHERTEXT_SIZE' },
    });
    expect(rb.received.at(-1)).toMatchObject({
      index: 2,
      plaintext: undefined,
      wire: new Uint8Array([0, 5, 1, 2, 3, 4, 5]),
    });
    expect(rb.ends).toEqual([{ reason: expect.any(String) as string, code: 'INVALID_INCOMING_CIPHERTEXT_SIZE' }]);
    a.close();
  });

  it('a throwing tap never breaks the session: reported once, detached, still ended once', async () => {
    const ta = recordingTap({ throwIn: ['connectionMessages', 'keys', 'chunk', 'end'] });
    const tb = recordingTap({ throwIn: ['chunk', 'end'] });
    const [x, y] = createMemorySocketPair();
    const [a, b] = await Promise.all([
      establish(x, { ...options(alice, false), messageEncoding: rawEncoding, tap: ta.tap }) as Promise<Conn>,
      establish(y, { ...options(bob, true), messageEncoding: rawEncoding, tap: tb.tap }) as Promise<Conn>,
    ]);
    await a.send(app(0x10, 100));
    await b.send(app(0x11, 100));
    expect(await b.recv()).toEqual(app(0x10, 100));
    expect(await a.recv()).toEqual(app(0x11, 100));
    b.close();
    await Promise.all([a.closed, ta.rec.ended, tb.rec.ended]);
    expect(ta.rec.calls).toEqual(['connectionMessages', 'end']);
    expect(ta.rec.errors).toHaveLength(1);
    expect(ta.rec.errors[0]!.hook).toBe('connectionMessages');
    expect(tb.rec.calls).toEqual(['connectionMessages', 'keys', 'chunk', 'end']);
    expect(tb.rec.errors.map((e) => e.hook)).toEqual(['chunk']);
    expect(tb.rec.ends).toEqual([{ reason: 'Unknown_reason' }]);
  });

  it('a throwing onTapError is ignored too', async () => {
    const [x, y] = createMemorySocketPair();
    const bad = {
      ...recordingTap({ throwIn: ['keys'] }).tap,
      onTapError: () => {
        throw new Error('worse');
      },
    };
    const [a, b] = await Promise.all([
      establish(x, { ...options(alice, false), messageEncoding: rawEncoding, tap: bad }) as Promise<Conn>,
      establish(y, { ...options(bob, true), messageEncoding: rawEncoding }) as Promise<Conn>,
    ]);
    await b.send({ kind: 'Bootstrap' });
    expect(await a.recv()).toEqual({ kind: 'Bootstrap' });
    a.close();
  });
});
