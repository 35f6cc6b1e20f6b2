import { type Server, type Socket, createServer } from 'node:net';
import { concatBytes } from '@tezos-p2p/encoding';
import { getCryptoBackend, type Identity } from '@tezos-p2p/crypto';
import type { P2pMessage, RawAppMessage } from '@tezos-p2p/wire';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ChunkCipher,
  type Connection,
  ConnectionError,
  IncomingMessages,
  IoScheduler,
  adoptAcceptedSocket,
  connectSharedBuffer,
  createMemorySocketPair,
  establish,
} from '../src/index.js';
import { MessageBufferPool, lentMessagePool } from '../src/message-buffer-pool.js';
import { makeIdentity, options, rawEncoding, tick, until } from './helpers.js';

type Conn = Connection<RawAppMessage>;
type Msg = P2pMessage<RawAppMessage>;

let alice: Identity;
let bob: Identity;
beforeAll(async () => {
  alice = await makeIdentity();
  bob = await makeIdentity();
});

async function memoryPair(scheduler?: IoScheduler): Promise<[Conn, Conn]> {
  const [x, y] = createMemorySocketPair();
  return (await Promise.all([
    establish(x, { ...options(alice, false), messageEncoding: rawEncoding, maxMessageSize: 8 << 20 }),
    establish(y, { ...options(bob, true), messageEncoding: rawEncoding, maxMessageSize: 8 << 20, scheduler }),
  ])) as [Conn, Conn];
}

/** Payload `i`: its size and a pattern of its own, so a byte from another message would show. */
function payload(n: number, i: number): Uint8Array {
  return new Uint8Array(n).map((_, k) => (k * 31 + i * 7 + 3) & 0xff);
}
const app = (n: number, i: number): Msg => ({ kind: 'Message', message: { tag: 0x10, payload: payload(n, i) } });

function payloadOf(m: Msg): Uint8Array {
  if (m.kind !== 'Message') throw new Error(`expected an application message, got ${m.kind}`);
  return m.message.payload;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Connections over loopback TCP as the node makes them (shared-buffer sockets), with the dialled socket. */
async function tcpPair(): Promise<{ a: Conn; z: Conn; dialled: Socket }> {
  const accepted: Socket[] = [];
  const server = createServer({ pauseOnConnect: true }, (s) => accepted.push(adoptAcceptedSocket(s)));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dialled = connectSharedBuffer({ port: (server.address() as { port: number }).port, host: '127.0.0.1' });
  await new Promise<void>((r, j) => dialled.once('connect', r).once('error', j));
  await until(() => accepted.length === 1, 'accepted');
  const [a, z] = (await Promise.all([
    establish(dialled, { ...options(alice, false), messageEncoding: rawEncoding, maxMessageSize: 8 << 20 }),
    establish(accepted[0]!, { ...options(bob, true), messageEncoding: rawEncoding, maxMessageSize: 8 << 20 }),
  ])) as [Conn, Conn];
  return { a, z, dialled };
}

/** `count` small messages from `a` in one TCP segment: the socket is corked until all are sealed. */
async function burst(a: Conn, dialled: Socket, count: number): Promise<void> {
  dialled.cork();
  for (let i = 0; i < count; i++) a.trySend(app(10, i));
  // Each message: 2-byte chunk header, 16-byte tag, 4-byte size, 2-byte tag, 10 bytes of payload.
  await until(() => dialled.writableLength >= count * 34, 'all sealed');
  dialled.uncork();
}

describe('MessageBufferPool', () => {
  it('hands out views of the length asked on power-of-two buffers, and keeps at most its bound idle', () => {
    const pool = new MessageBufferPool(4096);
    const a = pool.take(100);
    expect(a.length).toBe(100);
    expect(a.buffer.byteLength).toBe(256);
    const b = pool.take(1025);
    expect(b.buffer.byteLength).toBe(2048);
    const c = pool.take(2048);
    expect(c.buffer.byteLength).toBe(2048);
    pool.give(b);
    pool.give(c);
    expect(pool.held).toBe(4096);
    pool.give(a); // over the bound: left to the garbage collector
    expect(pool.held).toBe(4096);
    // Last given, first taken: the buffer still warm in the cache.
    expect(pool.take(2000).buffer).toBe(c.buffer);
    expect(pool.held).toBe(2048);
    expect(pool.take(300).buffer).not.toBe(a.buffer);
  });
});

// The stall property test (budget-backpressure.test.ts) also runs with lent buffers.
describe('IncomingMessages lending its buffers', () => {
  it('a message beyond the whole-buffer limit grows on pooled buffers and comes out whole', () => {
    const b = getCryptoBackend();
    const key = new Uint8Array(32).fill(6);
    const body = payload(5 << 20, 1);
    const frame = concatBytes([new Uint8Array([0, 0x50, 0, 0]), body]);
    const wire = new ChunkCipher(b, key, new Uint8Array(24)).seal(frame, 65517).buffer;
    let got: Uint8Array | undefined;
    const incoming = new IncomingMessages(new ChunkCipher(b, key, new Uint8Array(24)), 8 << 20, {
      deliverFrame: (f) => {
        got = Uint8Array.from(f);
        return true;
      },
      admitMessage: () => true,
    });
    incoming.lend = true;
    for (let at = 0; at < wire.length; at += 100_000) incoming.push(wire.subarray(at, at + 100_000));
    expect(got?.length).toBe(frame.length);
    expect(Buffer.from(got!).equals(Buffer.from(frame))).toBe(true);
  });
});

describe('Connection.onMessage', () => {
  it('lent: every message reaches the handler whole and in order, and a buffer the handler is done with serves the next message', async () => {
    const [a, z] = await memoryPair();
    const sizes = [1, 100, 4096, 70_000, 1 << 20, 1 << 20, 3 << 20, 65_517, 1 << 20];
    const seen: { size: number; ok: boolean; buffer: ArrayBufferLike }[] = [];
    z.onMessage(
      (m) => {
        const p = payloadOf(m);
        const i = seen.length;
        seen.push({ size: p.length, ok: Buffer.from(p).equals(Buffer.from(payload(sizes[i]!, i))), buffer: p.buffer });
      },
      { lend: true },
    );
    for (let i = 0; i < sizes.length; i++) await a.send(app(sizes[i]!, i));
    await until(() => seen.length === sizes.length, 'all messages handled');
    expect(seen.map((s) => s.size)).toEqual(sizes);
    expect(seen.every((s) => s.ok)).toBe(true);
    // Two 1 MiB messages one after the other: the second was read into the first one's buffer.
    expect(seen[5]!.buffer).toBe(seen[4]!.buffer);
    a.close();
    z.close();
  });

  it('owned: messages the handler keeps stay intact, each in a buffer of its own', async () => {
    const [a, z] = await memoryPair();
    const kept: Uint8Array[] = [];
    z.onMessage((m) => kept.push(payloadOf(m)));
    for (let i = 0; i < 4; i++) await a.send(app(1 << 20, i));
    await until(() => kept.length === 4, 'all messages handled');
    kept.forEach((p, i) => expect(Buffer.from(p).equals(Buffer.from(payload(1 << 20, i)))).toBe(true));
    expect(new Set(kept.map((p) => p.buffer)).size).toBe(4);
    a.close();
    z.close();
  });

  it('messages already queued go to the handler first, before onMessage returns; after stop, messages queue for recv again', async () => {
    const [a, z] = await memoryPair();
    for (let i = 0; i < 3; i++) await a.send(app(10, i));
    await until(() => z.stat().messagesReceived === 3, 'three messages queued');
    const handled: number[] = [];
    const stop = z.onMessage((m) => handled.push(payloadOf(m)[0]!), { lend: true });
    expect(handled).toEqual([3, 10, 17]);
    await a.send(app(10, 3));
    await until(() => handled.length === 4, 'fourth message handled');
    stop();
    await a.send(app(10, 4));
    expect(payloadOf(await z.recv())).toEqual(payload(10, 4));
    expect(handled.length).toBe(4);
    a.close();
    z.close();
  });

  it('one consumer at a time: RECEIVER_CONFLICT for a second handler, for a handler while recv waits, and for recv while a handler is set', async () => {
    const [a, z] = await memoryPair();
    const waiting = z.recv();
    expect(() => z.onMessage(() => {})).toThrow(expect.objectContaining({ code: 'RECEIVER_CONFLICT' }));
    await a.send(app(10, 0));
    await waiting;
    const stop = z.onMessage(() => {});
    expect(() => z.onMessage(() => {})).toThrow(expect.objectContaining({ code: 'RECEIVER_CONFLICT' }));
    await expect(z.recv()).rejects.toMatchObject({ code: 'RECEIVER_CONFLICT' });
    await expect(z.recvLeased()).rejects.toMatchObject({ code: 'RECEIVER_CONFLICT' });
    stop();
    stop(); // idempotent
    const again = z.recv();
    await a.send(app(10, 1));
    expect(payloadOf(await again)).toEqual(payload(10, 1));
    a.close();
    z.close();
  });

  it('a handler that throws closes the connection with MESSAGE_HANDLER_FAILED, the thrown error as cause; no later message reaches it, even from the read in hand', async () => {
    const { a, z, dialled } = await tcpPair();
    const boom = new Error('consumer bug');
    let calls = 0;
    z.onMessage(
      () => {
        calls++;
        throw boom;
      },
      { lend: true },
    );
    await burst(a, dialled, 5);
    const reason = await z.closed;
    expect(reason.kind).toBe('Read_error');
    if (reason.kind !== 'Read_error') return;
    expect(reason.error).toBeInstanceOf(ConnectionError);
    expect(reason.error.code).toBe('MESSAGE_HANDLER_FAILED');
    expect(reason.error.cause).toBe(boom);
    for (let i = 0; i < 10; i++) await tick();
    expect(calls).toBe(1);
    a.close();
  });

  it('a handler that closes the connection gets nothing more, even from the read in hand', async () => {
    const { a, z, dialled } = await tcpPair();
    let calls = 0;
    z.onMessage(() => {
      calls++;
      z.close({ kind: 'User', message: 'enough' });
    });
    await burst(a, dialled, 5);
    await z.closed;
    for (let i = 0; i < 10; i++) await tick();
    expect(calls).toBe(1);
    a.close();
  });

  it('each message leaves the read budget when the handler returns', async () => {
    const scheduler = new IoScheduler({
      readMemory: { guaranteedPerAccount: 64 << 10, shared: 4 << 20, perAccountCap: 4 << 20, accounts: 1 },
    });
    const [a, z] = await memoryPair(scheduler);
    const during: number[] = [];
    z.onMessage(() => during.push(scheduler.memory.read.stat().used), { lend: true });
    for (let i = 0; i < 6; i++) await a.send(app(300_000, i));
    await until(() => during.length === 6, 'all messages handled');
    // While a message is handled its bytes are reserved; once it returns they are free.
    expect(Math.min(...during)).toBeGreaterThanOrEqual(300_006);
    expect(scheduler.memory.read.stat().used).toBe(0);
    a.close();
    z.close();
  });
});

describe('Connection.onMessage over loopback TCP (shared-buffer sockets)', () => {
  it('lent messages of 1 B to 1 MiB arrive whole on both kinds of shared-buffer socket, and the lending pool stays within its bound', async () => {
    const { a, z } = await tcpPair();
    const sizes = [1, 100, 4096, 65_517, 70_000, 1 << 20];
    const count = 40;
    const bad: number[] = [];
    let handled = 0;
    const check = (c: Conn, from: number) =>
      c.onMessage(
        (m) => {
          const i = from + handled++;
          if (!Buffer.from(payloadOf(m)).equals(Buffer.from(payload(sizes[i % sizes.length]!, i)))) bad.push(i);
        },
        { lend: true },
      );
    check(z, 0);
    for (let i = 0; i < count; i++) await a.send(app(sizes[i % sizes.length]!, i));
    await until(() => handled === count, 'all messages handled');
    // And the other way, on the dialled socket.
    handled = 0;
    check(a, 0);
    for (let i = 0; i < count; i++) await z.send(app(sizes[i % sizes.length]!, i));
    await until(() => handled === count, 'all messages handled back');
    expect(bad).toEqual([]);
    expect(lentMessagePool.held).toBeLessThanOrEqual(16 << 20);
    a.close();
    z.close();
  });
});
