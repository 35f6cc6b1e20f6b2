/**
 * The handshake's Metadata, Ack and Nack are one encrypted chunk each, whatever `binaryChunksSize`
 * is (`P2p_socket.Metadata.write` / `Ack.write` call `Crypto.write_chunk` once; the reader takes one
 * chunk): an Octez peer reads only the first chunk of a split one and fails to decode it.
 */
import { getCryptoBackend } from '@tezos-p2p/crypto';
import { decode } from '@tezos-p2p/encoding';
import {
  type Point,
  type RawAppMessage,
  NACK_MAX_POINTS,
  ackEncoding,
  shellConnectionMetadataEncoding,
} from '@tezos-p2p/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@tezos-p2p/crypto';
import {
  ChunkCipher,
  type Connection,
  type ConnectionError,
  MAX_CHUNK_PLAINTEXT,
  authenticate,
  establish,
} from '../src/index.js';
import { type Recording, closedOf, makeIdentity, options, rawEncoding, recordingTap, tcpPair } from './helpers.js';

let alice: Identity;
let bob: Identity;
beforeAll(async () => {
  alice = await makeIdentity();
  bob = await makeIdentity();
});

/** 1 KiB, as `--binary-chunks-size 1`: 1006 bytes of plaintext per chunk. */
const ONE_KIB = 1024;

/** `n` IPv4 points of 18 characters (22 bytes each on the wire). */
const ipv4Points = (n: number): Point[] =>
  Array.from({ length: n }, (_, i) => ({ ip: `192.168.${100 + (i >> 8)}.${100 + (i & 0x7f)}`, port: 9732 + i }));
/** `n` points of the longest text form, 51 bytes each on the wire. */
const longestPoints = (n: number): Point[] =>
  Array.from({ length: n }, (_, i) => ({
    ip: `2001:fdb8:ffff:ffff:ffff:ffff:ffff:${(0xf000 + i).toString(16)}`,
    port: 60000 + i,
  }));

function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ConnectionError }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: ConnectionError) => ({ ok: false as const, error }),
  );
}

/** The chunk's length header says what follows: one chunk, nothing split off. */
function wholeChunk(c: Recording['sent'][number]): void {
  expect((c.wire[0]! << 8) | c.wire[1]!).toBe(c.wire.length - 2);
}

/**
 * Over real loopback TCP: bob (responder, tapped, with `binaryChunksSize`) refuses alice with a
 * Nack carrying `points`; alice's accept reads it.
 */
async function nackOverTcp(points: readonly Point[], binaryChunksSize: number) {
  const [client, server, stop] = await tcpPair();
  const tb = recordingTap();
  const [c, s] = await Promise.all([
    settle(authenticate(client, options(alice, false)).then((a) => a.accept({ messageEncoding: rawEncoding }))),
    settle(
      authenticate(server, options(bob, true, { binaryChunksSize, tap: tb.tap })).then((a) =>
        a.nack({ kind: 'Too_many_connections' }, points),
      ),
    ),
  ]);
  await Promise.all([closedOf(client), closedOf(server)]);
  await stop();
  return { c, s, rec: tb.rec };
}

describe('handshake values are one chunk each, whatever binaryChunksSize', () => {
  it('a Nack with 50 points under 1 KiB chunks is one chunk on the wire and the peer gets every point', async () => {
    const points = ipv4Points(50);
    const { c, s, rec } = await nackOverTcp(points, ONE_KIB);
    expect(s.ok).toBe(true);
    // Metadata, then the Nack: two chunks in all.
    expect(rec.sent).toHaveLength(2);
    const nack = rec.sent[1]!;
    wholeChunk(nack);
    expect(nack.plaintext!.length).toBeGreaterThan(ONE_KIB - 18); // would have been split before
    expect(decode(ackEncoding, nack.plaintext!)).toEqual({
      kind: 'Nack',
      motive: { kind: 'Too_many_connections' },
      potentialPeersToConnect: points,
    });
    expect(!c.ok && c.error.code).toBe('REJECTED_BY_NACK');
    expect(!c.ok && c.error.motive).toEqual({ kind: 'Too_many_connections' });
    expect(!c.ok && c.error.alternativePoints).toEqual(points);
    expect(rec.ends).toEqual([{ reason: 'Nack sent: Too many connections' }]);
  });

  it('the largest Nack (100 points of 51 bytes) under the smallest chunk size (19: 1 byte per chunk) is still one chunk', async () => {
    const points = longestPoints(NACK_MAX_POINTS);
    const { c, rec } = await nackOverTcp(points, 19);
    expect(rec.sent).toHaveLength(2);
    wholeChunk(rec.sent[1]!);
    expect(rec.sent[1]!.plaintext!.length).toBe(1 + 2 + 4 + NACK_MAX_POINTS * 51);
    expect(!c.ok && c.error.alternativePoints).toEqual(points);
  });

  it('more than 100 points: no Nack is written (the list does not encode, as Octez), the socket is closed', async () => {
    const { c, s, rec } = await nackOverTcp(ipv4Points(NACK_MAX_POINTS + 1), ONE_KIB);
    expect(s.ok).toBe(true);
    expect(rec.sent).toHaveLength(1); // the metadata only
    expect(!c.ok && c.error.code).toBe('CONNECTION_CLOSED');
    expect(rec.ends[0]!.reason).toMatch(/^Nack not sent \(.*100.*\): Too many connections$/);
  });

  it('Metadata and Ack are one chunk each under the smallest chunk size; messages after the Ack are cut to it', async () => {
    const [client, server, stop] = await tcpPair();
    const ta = recordingTap();
    const tb = recordingTap();
    const [a, b] = (await Promise.all([
      establish(client, {
        ...options(alice, false, { binaryChunksSize: 19, tap: ta.tap }),
        messageEncoding: rawEncoding,
      }),
      establish(server, { ...options(bob, true, { binaryChunksSize: 19, tap: tb.tap }), messageEncoding: rawEncoding }),
    ])) as [Connection<RawAppMessage>, Connection<RawAppMessage>];
    for (const rec of [ta.rec, tb.rec]) {
      const [metadata, ack] = rec.sent;
      wholeChunk(metadata!);
      expect(decode(shellConnectionMetadataEncoding, metadata!.plaintext!)).toEqual({
        disableMempool: false,
        privateNode: false,
      });
      wholeChunk(ack!);
      expect(decode(ackEncoding, ack!.plaintext!)).toEqual({ kind: 'Ack' });
    }
    const payload = Uint8Array.of(1, 2, 3, 4, 5);
    await a.send({ kind: 'Message', message: { tag: 0x10, payload } });
    expect(await b.recv()).toEqual({ kind: 'Message', message: { tag: 0x10, payload } });
    // 4-byte size, 2-byte tag, 5 bytes: 11 chunks of one byte.
    expect(ta.rec.sent.slice(2).map((ch) => ch.plaintext!.length)).toEqual(Array(11).fill(1));
    await a.disconnect({ wait: true });
    await b.closed;
    await Promise.all([closedOf(client), closedOf(server)]);
    await stop();
  });
});

describe('ChunkCipher.sealOne', () => {
  const key = new Uint8Array(32).fill(3);

  it('seals up to 65517 bytes as one 65535-byte chunk', () => {
    const cipher = new ChunkCipher(getCryptoBackend(), key, new Uint8Array(24));
    const wire = cipher.sealOne(new Uint8Array(MAX_CHUNK_PLAINTEXT));
    expect(wire.length).toBe(0xffff);
    expect((wire[0]! << 8) | wire[1]!).toBe(0xffff - 2);
  });

  it('refuses more with MESSAGE_TOO_LARGE, before using a nonce (Invalid_message_size)', () => {
    const cipher = new ChunkCipher(getCryptoBackend(), key, new Uint8Array(24));
    expect(() => cipher.sealOne(new Uint8Array(MAX_CHUNK_PLAINTEXT + 1))).toThrow(
      expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }),
    );
    expect(cipher.nonce).toEqual(new Uint8Array(24));
  });
});
