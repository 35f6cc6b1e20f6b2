/**
 * Ports of Octez's `src/lib_p2p/tezt/test_p2p_socket.ml` (P2p_socket: handshake between a client and
 * a server) to `authenticate` / `AuthenticatedSocket`, over real loopback TCP (127.0.0.1; Octez uses
 * ::1, its CI runs them on IPv4 only). Octez's two processes are two sockets of this process; its
 * identities have proof of work 1 and both sides require 1, as `P2p_test_utils` does.
 */
import { type Server, type Socket, connect, createServer } from 'node:net';
import { encode } from '@tezos-p2p/encoding';
import { type Identity, generateNonces, getCryptoBackend } from '@tezos-p2p/crypto';
import { CONNECTION_MESSAGE_HEADER, shellConnectionMetadataConfig } from '@tezos-p2p/wire';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exactReader } from './exact-reader.js';
import type { HandshakeReader } from '../src/handshake-reader.js';
import { ChunkCipher, type ConnectionError, authenticate, writeAll } from '../src/index.js';
import { closedOf, makeIdentity, options, rawEncoding } from './helpers.js';

const HOST = '127.0.0.1';
const POW = 1;

let id1: Identity;
let id2: Identity;
beforeAll(async () => {
  id1 = await makeIdentity(POW);
  id2 = await makeIdentity(POW);
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A listening socket whose accepted sockets are handed out in order (`P2p_test_utils.run_nodes`'s main socket). */
async function listen(): Promise<{ port: number; accept: () => Promise<Socket> }> {
  const queue: Socket[] = [];
  const waiting: ((s: Socket) => void)[] = [];
  const server = createServer((s) => {
    const w = waiting.shift();
    if (w) w(s);
    else queue.push(s);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, HOST, r));
  return {
    port: (server.address() as { port: number }).port,
    accept: () => {
      const s = queue.shift();
      return s ? Promise.resolve(s) : new Promise((r) => waiting.push(r));
    },
  };
}

async function dial(port: number): Promise<Socket> {
  const s = connect(port, HOST);
  await new Promise<void>((r, j) => s.once('connect', r).once('error', j));
  return s;
}

function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: ConnectionError }> {
  return p.then(
    (value) => ({ ok: true as const, value }),
    (error: ConnectionError) => ({ ok: false as const, error }),
  );
}

const pow = { expectedProofOfWork: POW };

describe('src/lib_p2p/tezt/test_p2p_socket.ml', () => {
  it('p2p socket nack: the server refuses with No_motive; the client, once authenticated, is rejected by the Nack', async () => {
    const { port, accept } = await listen();
    const server = (async () => {
      const auth = await authenticate(await accept(), options(id1, true, pow));
      expect(auth.info.incoming, 'Message should be incoming').toBe(true);
      expect(auth.info.peerId).toBe(id2.peerId);
      await auth.nack({ kind: 'No_motive' }, []);
    })();
    const socket = await dial(port);
    const auth = await authenticate(socket, options(id2, false, pow));
    expect(auth.info.incoming, 'Message should be outgoing').toBe(false);
    expect(auth.info.peerId).toBe(id1.peerId);
    const conn = await settle(auth.accept({ messageEncoding: rawEncoding }));
    expect(!conn.ok && conn.error.code, 'Connection should be rejected').toBe('REJECTED_BY_NACK');
    await server;
    await closedOf(socket);
  });

  it("p2p socket self peer id: a client announcing the server's public key fails with a decipher error or not enough proof of work, never Myself", async () => {
    const { port, accept } = await listen();
    const server = settle(accept().then((s) => authenticate(s, options(id1, true, pow))));
    // The client's secret key and stamp, the server's public key (Octez: `{id_client with public_key = …}`).
    const impostor = Object.assign(Object.create(Object.getPrototypeOf(id2) as object) as Identity, {
      ...id2,
      publicKey: id1.publicKey,
    });
    const client = settle(dial(port).then((s) => authenticate(s, options(impostor, false, pow))));
    const r = await server;
    // The stamp may happen to meet the target for the server's key too: then the metadata fails to decipher.
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).not.toBe('MYSELF');
    expect(['DECIPHER_ERROR', 'NOT_ENOUGH_PROOF_OF_WORK']).toContain(!r.ok && r.error.code);
    await client;
  });

  it("p2p socket self connection message: a client replaying the server's connection message cannot encrypt its metadata; the server fails with a decipher error", async () => {
    const { port, accept } = await listen();
    const server = (async () => {
      // The first connection gives the client the server's connection message.
      const first = await settle(accept().then((s) => authenticate(s, options(id1, true, pow))));
      expect(first.ok).toBe(false);
      // During the second, the client sends that message back as its own.
      return settle(accept().then((s) => authenticate(s, options(id1, true, pow))));
    })();
    const backend = getCryptoBackend();
    const abort = new AbortController();
    const readFrame = async (input: HandshakeReader) => {
      const len = await input.readExactly(CONNECTION_MESSAGE_HEADER);
      const body = await input.readExactly((len[0]! << 8) | len[1]!);
      return Uint8Array.from([...len, ...body]);
    };
    // First connection: read the server's connection message, then close.
    const s1 = await dial(port);
    const in1 = exactReader(s1, abort.signal);
    const serverMsg = await readFrame(in1);
    in1.detach();
    s1.destroy();
    // Second connection: send the server's message, read its new one, and write metadata encrypted
    // with our own secret key (we do not have the server's) for the public key in the message we sent.
    const s2 = await dial(port);
    s2.on('error', () => undefined);
    const in2 = exactReader(s2, abort.signal);
    await writeAll(s2, serverMsg);
    const received = await readFrame(in2);
    const publicKey = serverMsg.subarray(CONNECTION_MESSAGE_HEADER + 2, CONNECTION_MESSAGE_HEADER + 2 + 32);
    expect(Buffer.from(publicKey).equals(Buffer.from(id1.publicKey))).toBe(true);
    const key = backend.precompute(id2.secretKey.expose(), publicKey);
    const nonces = generateNonces(backend, { incoming: false, sentMessage: serverMsg, receivedMessage: received });
    const metadata = shellConnectionMetadataConfig();
    await writeAll(
      s2,
      new ChunkCipher(backend, key, nonces.local).sealOne(encode(metadata.encoding, metadata.value())),
    );
    const r = await server;
    expect(r.ok, 'Unexpected success of authentication').toBe(false);
    expect(!r.ok && r.error.code).not.toBe('MYSELF');
    expect(!r.ok && r.error.code).toBe('DECIPHER_ERROR');
    in2.detach();
    s2.destroy();
  });
});
