import fc from 'fast-check';
import { concatBytes } from '@tezos-p2p/encoding';
import { getCryptoBackend, type Identity } from '@tezos-p2p/crypto';
import type { P2pMessage, RawAppMessage } from '@tezos-p2p/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ChunkCipher,
  type Connection,
  IncomingMessages,
  IoScheduler,
  type MemoryBudgetOptions,
  createMemorySocketPair,
  establish,
} from '../src/index.js';
import { makeIdentity, options, rawEncoding, until } from './helpers.js';

type Conn = Connection<RawAppMessage>;
const KiB = 1024;

const app = (n: number, fill: number): P2pMessage<RawAppMessage> & { kind: 'Message' } => ({
  kind: 'Message',
  message: { tag: 0x10, payload: new Uint8Array(n).fill(fill) },
});
/** Encoded size of `app(n)`: 4-byte size, 2-byte tag, payload. */
const frameSize = (n: number) => 4 + 2 + n;

let node: Identity;
let peers: Identity[];
beforeAll(async () => {
  node = await makeIdentity();
  peers = await Promise.all([makeIdentity(), makeIdentity(), makeIdentity()]);
});

/** A peer connected to the node, the node's side using `scheduler` (and so its budgets). */
async function connect(peer: Identity, scheduler: IoScheduler): Promise<{ peer: Conn; node: Conn }> {
  const [x, y] = createMemorySocketPair();
  const [p, n] = await Promise.all([
    establish(x, { ...options(peer, false), messageEncoding: rawEncoding }) as Promise<Conn>,
    establish(y, { ...options(node, true), messageEncoding: rawEncoding, scheduler }) as Promise<Conn>,
  ]);
  return { peer: p, node: n };
}

describe('IncomingMessages: admission at the size prefix', () => {
  it('property: whatever is refused and later resumed, the messages come out whole and in order, never past a stalled boundary — also when each read is a view of one buffer overwritten after it (a shared read buffer), and when message buffers are lent (each scribbled over once its consumer returns and reused from the pool both streams share)', () => {
    const b = getCryptoBackend();
    const key = new Uint8Array(32).fill(3);
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 3000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.array(fc.boolean(), { maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (bodies, perChunk, cuts, refusals, transient, lend) => {
          // Transient reads: both streams read into this one buffer, scribbled over after each read.
          const shared = new Uint8Array(1 << 16);
          // Two streams read side by side, as two connections do: they share the pool of chunk
          // buffers, so what one holds while stalled must not be a view of a buffer the other reuses.
          const streams = [0x00, 0xff].map((flip) => {
            const frames = bodies.map((body) =>
              concatBytes([new Uint8Array([0, 0, body.length >> 8, body.length & 0xff]), body.map((x) => x ^ flip)]),
            );
            const wire = new ChunkCipher(b, key, new Uint8Array(24)).seal(concatBytes(frames), perChunk).buffer;
            const got: Uint8Array[] = [];
            let asked = 0;
            const incoming = new IncomingMessages(new ChunkCipher(b, key, new Uint8Array(24)), 1 << 20, {
              deliverFrame: (f) => {
                got.push(Uint8Array.from(f));
                if (!lend) return false;
                // The consumer is done: whatever the pool hands this buffer to next must not see this.
                f.fill(0xee);
                return true;
              },
              admitMessage: (size) => {
                // The size asked for is the whole frame, before any of its body is read.
                expect(size).toBe(frames[asked]!.length);
                return refusals[asked++] !== true;
              },
            });
            incoming.lend = lend;
            return { frames, wire, got, incoming, asked: () => asked };
          });
          const wireLength = streams[0]!.wire.length;
          const points = [...new Set(cuts.map((c) => c % (wireLength + 1)))].sort((x, y) => x - y);
          let prev = 0;
          for (const p of [...points, wireLength]) {
            for (const s of streams) {
              const read = s.wire.subarray(prev, p);
              if (transient) {
                shared.set(read);
                s.incoming.push(shared.subarray(0, read.length), true);
                shared.fill(0xee);
              } else s.incoming.push(read);
              // Stalled on message `asked − 1`: nothing after it was delivered, whatever else arrives.
              if (s.incoming.stalled) expect(s.got.length).toBe(s.asked() - 1);
            }
            prev = p;
            // Granted on a later turn, at any point of the stream.
            for (const s of streams) if (s.incoming.stalled && p % 2 === 0) s.incoming.resume();
          }
          for (const s of streams) {
            while (s.incoming.stalled) s.incoming.resume();
            expect(s.got).toEqual(s.frames);
            expect(s.incoming.buffered).toBe(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('connections sharing a read budget', () => {
  // 4 connections × 16 KiB guaranteed + 128 KiB shared = 192 KiB; at most 64 KiB per connection, a
  // larger message alone. The "big" messages (100 KiB) are the maximum size here, scaled down from
  // Octez's 100 MiB through the configuration only.
  const readMemory: MemoryBudgetOptions = {
    guaranteedPerAccount: 16 * KiB,
    shared: 128 * KiB,
    perAccountCap: 64 * KiB,
    accounts: 4,
  };
  const BIG = 100 * KiB;
  const MAX_MESSAGE = frameSize(BIG);

  it('peers flooding messages nobody reads stay within the budget; a small-message peer is still served; nothing admitted is lost or corrupted', async () => {
    const scheduler = new IoScheduler({ readMemory });
    const budget = scheduler.memory.read;
    const bad = await Promise.all([connect(peers[0]!, scheduler), connect(peers[1]!, scheduler)]);
    const good = await connect(peers[2]!, scheduler);
    const N = 8;
    // Both bad peers send N big messages each, the node reads none of them for now.
    const sending = bad.map(({ peer }, k) =>
      (async () => {
        for (let i = 0; i < N; i++) await peer.send(app(BIG, 16 * k + i));
      })(),
    );
    // The first bad peer's first message takes 84 KiB of the pool; its second waits for the first to be
    // consumed (above the per-connection cap, a message travels alone); the second bad peer's first
    // message waits for the pool.
    await until(() => budget.stat().waiting === 2, 'both bad peers stalled');
    expect(bad.map(({ node: n }) => n.queuedIncoming.messages).sort()).toEqual([0, 1]);
    // The good peer's small messages live in its guaranteed slice: each round trip completes.
    for (let i = 0; i < 20; i++) {
      await good.peer.send(app(1000, i));
      const m = await good.node.recv();
      expect(m.kind === 'Message' && m.message.payload[0]).toBe(i);
    }
    expect(budget.stat().peak).toBeLessThanOrEqual(budget.total + MAX_MESSAGE);
    // Now the node reads everything: every message arrives whole and in order.
    await Promise.all(
      bad.map(async ({ node: n }, k) => {
        for (let i = 0; i < N; i++) {
          const m = await n.recv();
          // (toEqual on 100 KiB arrays costs a tenth of a second each.)
          expect(
            m.kind === 'Message' &&
              m.message.tag === 0x10 &&
              Buffer.compare(m.message.payload, app(BIG, 16 * k + i).message.payload),
          ).toBe(0);
        }
      }),
    );
    await Promise.all(sending);
    expect(budget.stat().peak).toBeLessThanOrEqual(budget.total + MAX_MESSAGE);
    expect(budget.stat().used).toBe(0);
    for (const c of [...bad, good]) c.peer.close();
  });

  it('bytes are released when consumed (recv) or released (recvLeased), and all of them when the connection closes', async () => {
    const scheduler = new IoScheduler({ readMemory });
    const budget = scheduler.memory.read;
    const { peer, node: n } = await connect(peers[0]!, scheduler);
    await peer.send(app(1000, 1));
    await peer.send(app(2000, 2));
    await peer.send(app(3000, 3));
    await until(() => n.queuedIncoming.messages === 3, 'three messages queued');
    expect(budget.stat().used).toBe(frameSize(1000) + frameSize(2000) + frameSize(3000));
    await n.recv();
    expect(budget.stat().used).toBe(frameSize(2000) + frameSize(3000));
    const leased = await n.recvLeased();
    expect(leased.bytes).toBe(frameSize(2000));
    expect(budget.stat().used).toBe(frameSize(2000) + frameSize(3000));
    leased.release();
    leased.release();
    expect(budget.stat().used).toBe(frameSize(3000));
    // A stalled message (above the per-connection cap, it waits for the queue to empty) on a connection
    // that closes: the queued bytes go back, the stalled request is cancelled.
    await peer.send(app(BIG, 4));
    await until(() => budget.stat().waiting === 1, 'the big message waiting');
    n.close();
    expect(budget.stat()).toMatchObject({ used: 0, waiting: 0, accounts: 0 });
    // Still readable, just no longer accounted.
    expect((await n.recv()).kind).toBe('Message');
  });
});

describe('connections sharing a write budget', () => {
  it('a peer that does not read fills only its own share: send waits there, while another connection keeps sending', async () => {
    const writeMemory: MemoryBudgetOptions = {
      guaranteedPerAccount: 16 * KiB,
      shared: 64 * KiB,
      perAccountCap: 64 * KiB,
      accounts: 2,
    };
    const scheduler = new IoScheduler({ writeMemory });
    const budget = scheduler.memory.write;
    const [deaf, listening] = [await connect(peers[0]!, scheduler), await connect(peers[1]!, scheduler)];
    // The deaf peer stops reading after its first message (a 1-byte read queue).
    deaf.peer.close();
    const [x, y] = createMemorySocketPair();
    const [stuck, nodeSide] = await Promise.all([
      establish(x, { ...options(peers[0]!, false), messageEncoding: rawEncoding, readQueueSize: 1 }) as Promise<Conn>,
      establish(y, { ...options(node, true), messageEncoding: rawEncoding, scheduler }) as Promise<Conn>,
    ]);
    let queued = 0;
    const flooding = (async () => {
      for (let i = 0; i < 400; i++) {
        await nodeSide.send(app(8 * KiB, i & 0xff));
        queued++;
      }
    })().catch(() => undefined);
    await until(() => budget.stat().waiting === 1, "the deaf peer's sends waiting for the write budget");
    const stalledAt = queued;
    expect(budget.stat().used).toBeLessThanOrEqual(budget.total + frameSize(8 * KiB));
    for (let i = 0; i < 50; i++) {
      await listening.node.send(app(4 * KiB, i));
      const m = await listening.peer.recv();
      expect(m.kind === 'Message' && m.message.payload[0]).toBe(i);
    }
    expect(queued).toBe(stalledAt);
    stuck.close();
    await nodeSide.closed;
    await flooding;
    listening.peer.close();
    await listening.node.closed;
    expect(budget.stat()).toMatchObject({ used: 0, waiting: 0 });
  });
});
