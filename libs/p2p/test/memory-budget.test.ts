import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/index.js';
import { nodesStoppedAfterEach, pointOf, until } from './harness.js';

const node = nodesStoppedAfterEach();

/** Polls `check` every 10 ms, at most `tries` times: a stalled node publishes no event to wait for. */
async function poll(check: () => boolean, what: () => string, tries = 1000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what()}`);
}
const KiB = 1024;
const MiB = 1024 * KiB;

describe('the memory budgets of a P2P layer', () => {
  it('by default: 100 connections × 1 MiB + 256 MiB for what peers send, 100 × 1 MiB + 128 MiB for what we queue', async () => {
    const n = await node({ limits: { maxConnections: DEFAULT_LIMITS.maxConnections } });
    expect(n.memory()).toMatchObject({
      read: { total: 100 * MiB + 256 * MiB, shared: 256 * MiB, used: 0, accounts: 0 },
      write: { total: 100 * MiB + 128 * MiB, shared: 128 * MiB, used: 0, accounts: 0 },
    });
  });

  it('an application that does not read gets back-pressure, not unbounded memory; once it reads, every message arrives whole and in order', async () => {
    // The largest message scaled down to 256 KiB through the limits; budgets to match:
    // 8 × 32 KiB + 1 MiB = 1.25 MiB of received messages, 512 KiB per connection.
    const MAX_MESSAGE = 256 * KiB;
    const sink = await node({
      limits: {
        minConnections: 1,
        expectedConnections: 4,
        maxConnections: 8,
        maxMessageSize: MAX_MESSAGE,
        readQueueSize: 512 * KiB,
        readBudget: { guaranteedPerConnection: 32 * KiB, shared: MiB },
      },
    });
    const senders = await Promise.all([node(), node(), node()]);
    const conns = await Promise.all(senders.map((s) => s.connect(pointOf(sink))));
    await until([sink], () => sink.connections().length === 3, 10_000, 'three connections');
    const N = 30;
    const payload = (k: number, i: number) => new Uint8Array(MAX_MESSAGE - 6).fill(16 * k + i);
    // Each sender pushes N largest messages (7.5 MiB); the sink reads nothing for now.
    const sending = senders.map((s, k) =>
      (async () => {
        for (let i = 0; i < N; i++) await s.send(conns[k]!, { tag: 0x10, payload: payload(k, i) });
      })(),
    );
    await poll(
      () => sink.memory().read.waiting === 3,
      () => `every sender stalled: ${JSON.stringify(sink.memory().read)}`,
    );
    const stalled = sink.memory().read;
    expect(stalled.peak).toBeLessThanOrEqual(stalled.total + MAX_MESSAGE);
    // Now the application reads: nothing admitted was dropped or mangled.
    const next = new Map(senders.map((s) => [s.peerId, 0]));
    for (let got = 0; got < 3 * N; got++) {
      const { conn, msg } = await sink.recvAny();
      const k = senders.findIndex((s) => s.peerId === conn.peerId);
      const i = next.get(conn.peerId)!;
      next.set(conn.peerId, i + 1);
      expect(msg.tag === 0x10 && Buffer.compare(msg.payload, payload(k, i))).toBe(0);
    }
    await Promise.all(sending);
    expect(sink.memory().read.peak).toBeLessThanOrEqual(stalled.total + MAX_MESSAGE);
    expect(sink.memory().read.used).toBe(0);
  });
});
