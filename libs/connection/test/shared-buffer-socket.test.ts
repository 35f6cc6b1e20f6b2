import { type Server, type Socket, connect, createServer } from 'node:net';
import type { Identity } from '@tezos-p2p/crypto';
import type { RawAppMessage } from '@tezos-p2p/wire';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Connection,
  SHARED_READ_BUFFER_SIZE,
  adoptAcceptedSocket,
  authenticate,
  connectSharedBuffer,
  establish,
} from '../src/index.js';
import { systemClock } from '@tezos-p2p/events';
import { HANDSHAKE_READ_AHEAD, HandshakeDeadline, HandshakeReader } from '../src/handshake-reader.js';
import { type BytesHandler, readSourceOf, registerReadSource } from '../src/read-source.js';
import { createMemorySocketPair } from '../src/memory-socket.js';
import { makeIdentity, options, rawEncoding } from './helpers.js';

type Conn = Connection<RawAppMessage>;
let alice: Identity;
let bob: Identity;
beforeAll(async () => {
  alice = await makeIdentity();
  bob = await makeIdentity();
});

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A listening server on 127.0.0.1 whose accepted sockets are adopted (`shared`) or left as Node made them. */
async function listen(shared: boolean): Promise<{ port: number; accepted: () => Promise<Socket> }> {
  const queue: Socket[] = [];
  const waiting: ((s: Socket) => void)[] = [];
  const server = createServer({ pauseOnConnect: shared }, (s) => {
    const socket = shared ? adoptAcceptedSocket(s) : s;
    const w = waiting.shift();
    if (w) w(socket);
    else queue.push(socket);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    accepted: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r))),
  };
}

async function dial(port: number, shared: boolean): Promise<Socket> {
  const s = shared ? connectSharedBuffer({ port, host: '127.0.0.1' }) : connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => s.once('connect', r).once('error', j));
  return s;
}

async function pair(port: number, accepted: () => Promise<Socket>, sharedDial: boolean): Promise<[Conn, Conn]> {
  const client = await dial(port, sharedDial);
  const server = await accepted();
  return (await Promise.all([
    establish(client, { ...options(alice, false), messageEncoding: rawEncoding }),
    establish(server, { ...options(bob, true), messageEncoding: rawEncoding }),
  ])) as [Conn, Conn];
}

/** Payload `i` of a stream: its size and a pattern its own (a byte from another stream's read would show). */
function payload(stream: number, i: number): Uint8Array {
  const sizes = [100, 4096, 70_000, 1 << 20, 1, 65_517];
  const n = sizes[i % sizes.length]!;
  return new Uint8Array(n).map((_, k) => (k * 31 + i * 7 + stream * 101) & 0xff);
}

async function exchange(from: Conn, to: Conn, stream: number, count: number): Promise<void> {
  const sending = (async () => {
    for (let i = 0; i < count; i++)
      await from.send({ kind: 'Message', message: { tag: 0x10, payload: payload(stream, i) } });
  })();
  for (let i = 0; i < count; i++) {
    const m = await to.recv();
    expect(m.kind).toBe('Message');
    if (m.kind !== 'Message') return;
    // Buffer comparison: vitest's deep equality walks a 1 MiB array element by element.
    expect(
      Buffer.from(m.message.payload).equals(Buffer.from(payload(stream, i))),
      `stream ${stream} message ${i}`,
    ).toBe(true);
  }
  await sending;
}

describe('shared-buffer sockets over loopback TCP', () => {
  it.each([
    ['both ends shared-buffer', true, true],
    ['shared-buffer dialler, plain accepted socket', true, false],
    ['plain dialler, adopted accepted socket', false, true],
  ])(
    '%s: handshakes, then messages of 1 B … 1 MiB both ways on two connections at once, every byte intact',
    async (_label, sharedDial, sharedAccept) => {
      const { port, accepted } = await listen(sharedAccept);
      const first = await pair(port, accepted, sharedDial);
      const second = await pair(port, accepted, sharedDial);
      // Four streams read at once into the thread's one shared buffer.
      await Promise.all([
        exchange(first[0], first[1], 0, 12),
        exchange(first[1], first[0], 1, 12),
        exchange(second[0], second[1], 2, 12),
        exchange(second[1], second[0], 3, 12),
      ]);
      for (const [c, s] of [first, second]) {
        await c.disconnect({ wait: true });
        await expect(s.closed).resolves.toEqual({ kind: 'Connection_closed_by_peer' });
      }
    },
  );

  it('an adopted socket reads into the shared buffer and keeps its addresses', async () => {
    const { port, accepted } = await listen(true);
    const client = await dial(port, true);
    const server = await accepted();
    expect(readSourceOf(server).transient).toBe(true);
    expect(readSourceOf(client).transient).toBe(true);
    expect(server.remoteAddress).toBe('127.0.0.1');
    expect(server.remotePort).toBe(client.localPort);
    expect(server.localPort).toBe(port);
    client.destroy();
    server.destroy();
  });

  it('a socket that is already being read is not adopted: it is returned as it is', async () => {
    const { port, accepted } = await listen(false);
    const client = await dial(port, false);
    const server = await accepted();
    expect(adoptAcceptedSocket(server)).toBe(server);
    expect(readSourceOf(server).transient).toBe(false);
    client.destroy();
    server.destroy();
  });

  it.each([
    ['shared-buffer', true],
    ['plain', false],
  ])(
    'while the caller decides after authentication, the %s acceptor reads a bounded amount of what the peer floods',
    async (_label, shared) => {
      const { port, accepted } = await listen(shared);
      const client = await dial(port, shared);
      const server = await accepted();
      const [a, b] = await Promise.all([
        authenticate(client, options(alice, false)),
        authenticate(server, options(bob, true)),
      ]);
      const flood = 4 << 20;
      const read0 = server.bytesRead;
      // Written past the handshake, before any Ack: nobody is reading it as a connection yet. (The
      // kernel takes what its buffers hold; the rest stays queued in the client until it is closed.)
      client.write(Buffer.alloc(flood, 0x41));
      // Wait until the acceptor's read count stops moving for a while of event-loop turns.
      let last = -1;
      for (let stable = 0; stable < 20;) {
        await new Promise((r) => setTimeout(r, 5));
        stable = server.bytesRead === last ? stable + 1 : 0;
        last = server.bytesRead;
      }
      // One read past the read-ahead at most (a plain socket also fills its 16 KiB high-water mark).
      const bound = HANDSHAKE_READ_AHEAD + (shared ? SHARED_READ_BUFFER_SIZE : 64 * 1024 + 16 * 1024);
      expect(server.bytesRead - read0).toBeLessThanOrEqual(bound);
      expect(server.bytesRead - read0).toBeLessThan(flood);
      a.close();
      b.close();
    },
  );
});

describe('reading transient bytes', () => {
  it('the handshake reader keeps copies of what it has not consumed yet: a reused read buffer may change under it', async () => {
    const [stream] = createMemorySocketPair();
    let handler: BytesHandler | undefined;
    registerReadSource(stream, {
      transient: true,
      paused: true,
      setHandler: (h) => (handler = h),
      pause: () => undefined,
      resume: () => undefined,
    });
    const deadline = new HandshakeDeadline(10_000, undefined, systemClock);
    const reader = new HandshakeReader(stream, deadline);
    const shared = new Uint8Array(8);
    shared.set([1, 2, 3, 4, 5, 6, 7, 8]);
    handler!(shared.subarray(0, 8));
    shared.fill(0xee);
    expect(await reader.readExactly(3)).toEqual(Uint8Array.from([1, 2, 3]));
    shared.set([9, 10]);
    handler!(shared.subarray(0, 2));
    shared.fill(0xee);
    expect(reader.detach()).toEqual([Uint8Array.from([4, 5, 6, 7, 8]), Uint8Array.from([9, 10])]);
    deadline.done();
    stream.destroy();
  });
});
