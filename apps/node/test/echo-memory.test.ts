import { encode } from '@tezos-p2p/encoding';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { runEcho } from '../src/node/echo.js';
import type { NodeP2p } from '../src/rpc/index.js';
import { loopbackNode, testHost } from './loopback-nodes.js';
import { type PeerConn, encoding, peerOf, roundTrip, waitFor } from './peer-client.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const gc = (globalThis as { gc?: () => void }).gc;
/** Idle buffers the connection lib's process-wide pools may keep (32 × 128 KiB writes, 32 × 64 KiB chunks). */
const POOLED_BYTES = 32 * 128 * KiB + 32 * (2 + 0xffff);
const silent = pino({ enabled: false });

/** Heap and external memory (Buffers and ArrayBuffers included) after full collections. */
async function memory(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc?.();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** A running echo node and how to stop it. */
async function echoNode(
  host: string,
  limits: Record<string, unknown>,
): Promise<{ node: NodeP2p; stop: () => Promise<void> }> {
  const node = await loopbackNode(host, { limits: { maintenanceIdleTimeMs: null, ...limits } });
  const stop = new AbortController();
  const echo = runEcho(node, stop.signal, silent);
  return {
    node,
    stop: async () => {
      stop.abort();
      await node.stop();
      await echo;
    },
  };
}

/** Sends `frame` up to `count` times, never reading; stops quietly when the connection closes. */
function flood(peer: PeerConn, frame: Uint8Array, count: number): Promise<void> {
  return (async () => {
    for (let i = 0; i < count; i++) await peer.sendEncoded(frame);
  })().catch(() => undefined);
}

describe('--echo under peers that send the largest messages and never read', () => {
  // Octez's 100 MiB messages scaled down to 1 MiB through the limits only, with the budgets to match:
  // 12 connections × 64 KiB guaranteed + 4 MiB shared = 4.75 MiB per direction, 2 MiB per connection.
  const MAX_MESSAGE = MiB;
  const LIMITS = {
    minConnections: 1,
    expectedConnections: 6,
    maxConnections: 12,
    maxMessageSize: MAX_MESSAGE,
    readQueueSize: 2 * MiB,
    writeQueueSize: 2 * MiB,
    incomingMessageQueueSize: 2 * MiB,
    outgoingMessageQueueSize: 2 * MiB,
    readBudget: { guaranteedPerConnection: 64 * KiB, shared: 4 * MiB },
    writeBudget: { guaranteedPerConnection: 64 * KiB, shared: 4 * MiB },
  };
  const BAD = 6;

  it('the budgets hold, a new peer is served meanwhile, and everything is given back when they leave', async () => {
    const host = testHost(1);
    expect(gc, 'vitest.config.ts passes --expose-gc to the test process').toBeTypeOf('function');
    const { node, stop } = await echoNode(host, LIMITS);
    const baseline = await memory();
    let frame: Uint8Array | undefined = encode(encoding, {
      kind: 'Message',
      message: { tag: 0x10, payload: new Uint8Array(MAX_MESSAGE - 6) },
    });
    expect(frame.length).toBe(MAX_MESSAGE);
    const bad = await Promise.all(
      Array.from({ length: BAD }, (_, i) => peerOf(node, host, testHost(10 + i), { readQueueSize: 1 })),
    );
    const floods = bad.map((b) => flood(b, frame!, 40));
    // The node stops reading from every bad peer: each one's next message waits for the read budget
    // (behind echoes waiting for the write budget, which waits for peers that never read).
    await waitFor(
      () => node.memory().read.waiting === BAD,
      () => `every bad peer's reading stalled: ${JSON.stringify(node.memory())}`,
    );
    const during = node.memory();
    expect(during.read.peak).toBeLessThanOrEqual(during.read.total + MAX_MESSAGE);
    expect(during.write.peak).toBeLessThanOrEqual(during.write.total + MAX_MESSAGE);

    // A peer arriving now: handshake, then echo round trips, in its guaranteed slices.
    const good = await peerOf(node, host, testHost(30));
    for (let i = 0; i < 10; i++) await roundTrip(good, i);
    const after = node.memory();
    expect(after.read.peak).toBeLessThanOrEqual(after.read.total + MAX_MESSAGE);
    expect(after.write.peak).toBeLessThanOrEqual(after.write.total + MAX_MESSAGE);

    // The bad peers leave (with our echoes unread, their sockets reset): their bytes all come back.
    // (The peers live in this process too: what they hold, such as the echo each read, goes with them.)
    for (const b of bad.splice(0)) b.close();
    await Promise.all(floods.splice(0));
    frame = undefined;
    await waitFor(() => node.connections().length === 1, 'only the good peer left');
    await waitFor(
      () => node.memory().read.used === 0 && node.memory().write.used === 0,
      () => `budgets back to 0: ${JSON.stringify(node.memory())}`,
    );
    await roundTrip(good, 99);
    good.close();
    await waitFor(() => node.connections().length === 0, 'no connection left');
    expect(node.memory()).toMatchObject({
      read: { used: 0, waiting: 0, accounts: 0 },
      write: { used: 0, waiting: 0, accounts: 0 },
    });
    // Nothing of the traffic that went through stays: the process is back near where it started, give
    // or take the idle buffers the connection lib's pools may keep and the heap's own noise.
    expect((await memory()) - baseline).toBeLessThan(POOLED_BYTES + 4 * MiB);
    await stop();
  });
});

describe('--echo: one peer that does not read', () => {
  it('blocks only its own echo: another peer keeps getting its answers', async () => {
    const host = testHost(2);
    const { node, stop } = await echoNode(host, {});
    const deaf = await peerOf(node, host, testHost(40), { readQueueSize: 1 });
    const frame = encode(encoding, { kind: 'Message', message: { tag: 0x10, payload: new Uint8Array(256 * KiB) } });
    const flooding = flood(deaf, frame, 200);
    // Its echo waits for room in its write queue (our side of a socket nobody reads).
    await waitFor(
      () => node.memory().write.waiting === 1,
      () => `the deaf peer's echo blocked: ${JSON.stringify(node.memory())}`,
    );
    const other = await peerOf(node, host, testHost(41));
    for (let i = 0; i < 20; i++) await roundTrip(other, i);
    expect(node.memory().write.waiting).toBe(1);
    deaf.close();
    other.close();
    await flooding;
    await stop();
  });
});
