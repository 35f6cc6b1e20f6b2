/**
 * Port of Octez v25.1 `src/lib_p2p/test/test_p2p_socket.ml` (suite "p2p-socket.").
 *
 * Octez runs a client and a server in two processes over a real socket; here both run in this process
 * over a real loopback TCP connection (127.0.0.1). `P2p_socket.accept … Data_encoding.bytes` becomes
 * `AuthenticatedSocket.accept` with a P2P message encoding whose only application message is Octez's
 * `bytes` (tag 0x10): our connections always carry the P2P envelope (`[size][tag][payload]`).
 * Octez's `sync ch` (both processes meet) is a barrier between the two sides.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  type Encoding,
  bytes as bytesEncoding,
  dynamicSize,
  option,
  string as stringEncoding,
} from '@tezos-p2p/encoding';
import type { Identity } from '@tezos-p2p/crypto';
import { type P2pMessage, p2pMessageEncoding } from '@tezos-p2p/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import { exactReader } from './exact-reader.js';
import {
  type AuthenticatedSocket,
  ChunkCipher,
  type Connection,
  type ConnectionError,
  authenticate,
} from '../src/index.js';
import { TAG_LENGTH } from '../src/chunk-cipher.js';
import { getCryptoBackend } from '@tezos-p2p/crypto';
import { makeIdentity, options, tcpPair } from './helpers.js';

/** Octez's `Data_encoding.bytes` as the one application message. */
const bytesMessages: Encoding<P2pMessage<Uint8Array>> = p2pMessageEncoding<Uint8Array>({
  app: [
    { tag: 0x10, title: 'bytes', encoding: bytesEncoding, wrap: (b: Uint8Array) => b, unwrap: (b: Uint8Array) => b },
  ],
});
const msg = (b: Uint8Array): P2pMessage<Uint8Array> => ({ kind: 'Message', message: b });
const payloadOf = (m: P2pMessage<Uint8Array>): Uint8Array => {
  if (m.kind !== 'Message') throw new Error(`expected an application message, got ${m.kind}`);
  return m.message;
};
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

let id1: Identity; // the server's
let id2: Identity; // the client's
beforeAll(async () => {
  id1 = await makeIdentity();
  id2 = await makeIdentity();
});

function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ConnectionError }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: ConnectionError) => ({ ok: false as const, error }),
  );
}

/** Octez's `sync ch`: each side waits until the other has reached the same point. */
function barrier(): { client: () => Promise<void>; server: () => Promise<void> } {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  const meet = () => {
    if (++arrived === 2) release();
    return all;
  };
  return { client: meet, server: meet };
}

/** Octez's `connect`: authenticate as the initiator and check `not info.incoming` and the peer id. */
async function clientAuth(
  sock: Socket,
  extra: Parameters<typeof options>[2] = {},
): Promise<AuthenticatedSocket<unknown>> {
  const auth = await authenticate(sock, options(id2, false, extra));
  expect(auth.info.incoming).toBe(false);
  expect(auth.info.peerId).toBe(id1.peerId);
  return auth as AuthenticatedSocket<unknown>;
}

async function serverAuth(
  sock: Socket,
  extra: Parameters<typeof options>[2] = {},
): Promise<AuthenticatedSocket<unknown>> {
  return (await authenticate(sock, options(id1, true, extra))) as AuthenticatedSocket<unknown>;
}

/** `P2p_socket.write_sync`: queued, then handed to the kernel. */
async function writeSync<M>(c: Connection<M>, m: P2pMessage<M>): Promise<void> {
  await c.send(m);
  await c.flush();
}

/** The Simple/Chunked/Oversized message exchanges: each side writes its message, reads the other's. */
async function exchange(size: number, binaryChunksSize?: number): Promise<void> {
  const simpleMsg = new Uint8Array(randomBytes(size));
  const simpleMsg2 = new Uint8Array(randomBytes(size));
  const [client, server, stop] = await tcpPair();
  const sync = barrier();
  const chunks = binaryChunksSize === undefined ? {} : { binaryChunksSize };
  await Promise.all([
    (async () => {
      const auth = await serverAuth(server);
      const conn = await auth.accept({ messageEncoding: bytesMessages, ...chunks });
      await writeSync(conn, msg(simpleMsg));
      expect(same(payloadOf(await conn.recv()), simpleMsg2)).toBe(true);
      await sync.server();
      conn.close({ kind: 'User', message: 'server shutdown' } as never);
    })(),
    (async () => {
      const auth = await clientAuth(client);
      const conn = await auth.accept({ messageEncoding: bytesMessages, ...chunks });
      await writeSync(conn, msg(simpleMsg2));
      expect(same(payloadOf(await conn.recv()), simpleMsg)).toBe(true);
      await sync.client();
      conn.close({ kind: 'User', message: 'client shutdown' } as never);
    })(),
  ]);
  await stop();
}

describe('test_p2p_socket.ml (p2p-socket.)', () => {
  it('test_p2p_socket: low-level — 16 random bytes written raw by the server are read in full by the client', async () => {
    // Octez writes through `P2p_io_scheduler.write` and reads with `P2p_buffer_reader.read_full` on a
    // raw (unauthenticated) scheduled fd. Our scheduler regulates authenticated connections only, so the
    // raw path is the socket itself and the handshake's exact reader (`HandshakeReader.readExactly`).
    const simpleMsg = new Uint8Array(randomBytes(1 << 4));
    const [client, server, stop] = await tcpPair();
    const sync = barrier();
    await Promise.all([
      (async () => {
        await new Promise<void>((r, j) => server.write(simpleMsg, (e) => (e ? j(e) : r())));
        await sync.server();
        server.destroy();
      })(),
      (async () => {
        const input = exactReader(client);
        const got = await input.readExactly(simpleMsg.length);
        expect(same(got, simpleMsg)).toBe(true);
        await sync.client();
        client.destroy();
      })(),
    ]);
    await stop();
  });

  it('test_p2p_socket: pow — a peer below the (unreachable) proof-of-work target fails Not_enough_proof_of_work; the client sees Connection_closed', async () => {
    const [client, server, stop] = await tcpPair();
    // `make_pow_target 100.`: no identity reaches it.
    const [s, c] = await Promise.all([
      settle(serverAuth(server, { expectedProofOfWork: 100 })),
      settle(authenticate(client, options(id2, false))),
    ]);
    expect(!s.ok && s.error.code).toBe('NOT_ENOUGH_PROOF_OF_WORK');
    expect(!c.ok && c.error.code).toBe('CONNECTION_CLOSED');
    await stop();
  });

  it("test_p2p_socket: nacked — the client answers the Ack with a Nack(No_motive): the server's accept fails Rejected_by_nack", async () => {
    const [client, server, stop] = await tcpPair();
    const sync = barrier();
    await Promise.all([
      (async () => {
        const auth = await serverAuth(server);
        const r = await settle(auth.accept({ messageEncoding: bytesMessages }));
        expect(!r.ok && r.error.code).toBe('REJECTED_BY_NACK');
        await sync.server();
      })(),
      (async () => {
        const auth = await clientAuth(client);
        await auth.nack({ kind: 'No_motive' }, []);
        await sync.client();
      })(),
    ]);
    await stop();
  });

  it('test_p2p_socket: simple-message — 16-byte messages both ways arrive intact', async () => {
    await exchange(1 << 4);
  });

  it('test_p2p_socket: chunked-message — 256-byte messages both ways with binary_chunks_size 21 arrive intact', async () => {
    await exchange(1 << 8, 21);
  });

  it('test_p2p_socket: oversized-message — 131072-byte messages (over one chunk) both ways arrive intact', async () => {
    await exchange(1 << 17);
  });

  it("test_p2p_socket: close-on-read — the server closes; the client's pending read fails Connection_closed", async () => {
    const [client, server, stop] = await tcpPair();
    const sync = barrier();
    await Promise.all([
      (async () => {
        const conn = await (await serverAuth(server)).accept({ messageEncoding: bytesMessages });
        await sync.server();
        conn.close({ kind: 'User', message: 'server shutdown' } as never);
      })(),
      (async () => {
        const conn = await (await clientAuth(client)).accept({ messageEncoding: bytesMessages });
        await sync.client();
        const r = await settle(conn.recv());
        expect(!r.ok && r.error.code).toBe('CONNECTION_CLOSED');
        conn.close();
      })(),
    ]);
    await stop();
  });

  it("test_p2p_socket: close-on-write — after the server closed, the client's write_sync fails Connection_closed", async () => {
    const simpleMsg = new Uint8Array(randomBytes(1 << 4));
    const [client, server, stop] = await tcpPair();
    const sync = barrier();
    await Promise.all([
      (async () => {
        const conn = await (await serverAuth(server)).accept({ messageEncoding: bytesMessages });
        conn.close({ kind: 'User', message: 'server shutdown' } as never);
        await sync.server();
      })(),
      (async () => {
        const conn = await (await clientAuth(client)).accept({ messageEncoding: bytesMessages });
        await sync.client();
        // Octez sleeps 0.1 s for the close to arrive; we wait for it to arrive.
        await conn.closed;
        const r = await settle(writeSync(conn, msg(simpleMsg)));
        expect(!r.ok && r.error.code).toBe('CONNECTION_CLOSED');
        conn.close();
      })(),
    ]);
    await stop();
  });

  it("test_p2p_socket: garbled-data — undecodable bytes make the client's read fail with a decoding error; the server's read then fails Connection_closed", async () => {
    // Octez's encoding: `dynamic_size (option string)`, as our one application message.
    const optString: Encoding<P2pMessage<string | undefined>> = p2pMessageEncoding<string | undefined>({
      app: [
        {
          tag: 0x10,
          title: 'option string',
          encoding: dynamicSize(option(stringEncoding)),
          wrap: (s: string | undefined) => s,
          unwrap: (s: string | undefined) => s,
        },
      ],
    });
    // Octez's fixed garbled message: int32 4, then three int32 -1.
    const garbled = new Uint8Array(16);
    const view = new DataView(garbled.buffer);
    view.setInt32(0, 4);
    view.setInt32(4, -1);
    view.setInt32(8, -1);
    view.setInt32(12, -1);
    const [client, server, stop] = await tcpPair();
    await Promise.all([
      (async () => {
        const conn = await (await serverAuth(server)).accept({ messageEncoding: optString });
        // `Internal_for_tests.raw_write_sync`: the bytes go out as they are, encrypted in a chunk.
        await conn.sendEncoded(garbled);
        await conn.flush();
        const r = await settle(conn.recv());
        expect(!r.ok && r.error.code).toBe('CONNECTION_CLOSED');
        conn.close();
      })(),
      (async () => {
        const conn = await (await clientAuth(client)).accept({ messageEncoding: optString });
        const r = await settle(conn.recv());
        expect(!r.ok && r.error.code).toBe('DECODING_ERROR');
        conn.close();
      })(),
    ]);
    await stop();
  });

  it('test_p2p_socket: ACK — a chunk written with the channel key through a pipe reads back and opens to the same message', async () => {
    // Octez's Crypto_test: write_chunk / read_chunk over a Unix pipe with one precomputed key and
    // both nonces at zero. Ours: the chunk cipher over a loopback socket (no pipes in Node's API).
    const backend = getCryptoBackend();
    // `random_keypair`, then `precompute sk pk` (the key with its own public key, as Octez does).
    const sk = backend.randomBytes(32);
    const channelKey = backend.precompute(sk, backend.publicKey(sk));
    const zero = new Uint8Array(24);
    const writer = new ChunkCipher(backend, channelKey, zero);
    const reader = new ChunkCipher(backend, channelKey, zero);
    const message = new TextEncoder().encode('test');
    const [outFd, inFd, stop] = await tcpPair();
    const chunk = writer.sealOne(message);
    expect(chunk.length).toBe(2 + TAG_LENGTH + message.length);
    outFd.write(chunk);
    const input = exactReader(inFd);
    const header = await input.readExactly(2);
    const encryptedLength = (header[0]! << 8) | header[1]!;
    expect(encryptedLength).toBeGreaterThanOrEqual(TAG_LENGTH);
    const body = await input.readExactly(encryptedLength);
    const res = reader.open(body);
    expect(new TextDecoder().decode(res)).toBe('test');
    outFd.destroy();
    inFd.destroy();
    await stop();
  });
});
