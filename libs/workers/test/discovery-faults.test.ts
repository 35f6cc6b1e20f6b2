import type * as Dgram from 'node:dgram';
import { createSocket } from 'node:dgram';
import { FakeClock } from '@tezos-p2p/events';
import { peerIdFromBytes } from '@tezos-p2p/wire';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Discovery, type DiscoveryEvent } from '../src/discovery/index.js';

// Faults a real socket will not produce on demand (a receive error, a failing send), injected by
// wrapping node:dgram's createSocket: every socket is real, a few are then tampered with.
const fault = vi.hoisted(() => ({
  answerSockets: [] as Dgram.Socket[],
  failSends: false,
}));

vi.mock('node:dgram', async (importOriginal) => {
  const actual = await importOriginal<typeof Dgram>();
  const createSocket = ((options: Dgram.SocketOptions) => {
    const s = actual.createSocket(options);
    // The answer socket is the one with SO_REUSEADDR; broadcast sockets have none.
    if (options.reuseAddr) fault.answerSockets.push(s);
    else if (fault.failSends) {
      s.send = ((...args: unknown[]) => {
        const cb = args[args.length - 1] as (err: Error | null) => void;
        process.nextTick(cb, Object.assign(new Error('send EACCES'), { code: 'EACCES' }));
      }) as typeof s.send;
    }
    return s;
  }) as typeof actual.createSocket;
  return { ...actual, default: { ...actual, createSocket }, createSocket };
});

const A = peerIdFromBytes(new Uint8Array(16).fill(0xaa));
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function freePort(): Promise<number> {
  const s = createSocket({ type: 'udp4' });
  await new Promise<void>((resolve) => s.bind(0, '0.0.0.0', () => resolve()));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

let running: Discovery | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
  fault.answerSockets.length = 0;
  fault.failSends = false;
});

async function start(port: number, clock: FakeClock, events: DiscoveryEvent[]): Promise<Discovery> {
  const d = new Discovery({
    peerId: A,
    listeningPort: 9732,
    discoveryAddr: '127.0.0.1',
    discoveryPort: port,
    bindAddr: '127.0.0.1',
    clock,
    register: () => {},
    onEvent: (e) => events.push(e),
  });
  running = d;
  await d.start();
  return d;
}

describe('faults', () => {
  it('a receive error stops the answer worker only (socket closed, sender going on), without crashing', async () => {
    const port = await freePort();
    const clock = new FakeClock();
    const events: DiscoveryEvent[] = [];
    const d = await start(port, clock, events);
    expect(fault.answerSockets).toHaveLength(1);
    fault.answerSockets[0]!.emit('error', Object.assign(new Error('recvmsg EIO'), { code: 'EIO' }));
    expect(events).toContainEqual({ kind: 'unexpected_error', worker: 'answer', error: 'recvmsg EIO', stopped: true });
    // The port is free again: the answer socket was closed.
    const probe = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const before = events.filter((e) => e.kind === 'broadcast_message').length;
    await clock.advance(1000);
    expect(events.filter((e) => e.kind === 'broadcast_message').length).toBe(before + 3); // at 100, 300, 700
    await d.stop();
    expect(clock.pending).toBe(0);
  });

  it('a failing send is reported as broadcast_error and the schedule goes on', async () => {
    fault.failSends = true;
    const clock = new FakeClock();
    const events: DiscoveryEvent[] = [];
    const port = await freePort();
    const d = await start(port, clock, events);
    await clock.advance(300); // broadcasts at 0, 100, 300
    while (events.filter((e) => e.kind === 'broadcast_error').length < 3) await tick();
    expect(events.filter((e) => e.kind === 'broadcast_error')[0]).toEqual({
      kind: 'broadcast_error',
      destination: { address: '127.0.0.1', port },
      error: 'send EACCES',
    });
    expect(d.stats.sent).toBe(0);
    expect(clock.pending).toBe(1);
  });
});

describe('reentrancy', () => {
  it('stop from inside the event hook leaves no timer and no broadcast socket', async () => {
    const clock = new FakeClock();
    const port = await freePort();
    let stopped: Promise<void> | undefined;
    const d: Discovery = new Discovery({
      peerId: A,
      listeningPort: 9732,
      discoveryAddr: '127.0.0.1',
      discoveryPort: port,
      bindAddr: '127.0.0.1',
      clock,
      register: () => {},
      onEvent: (e) => {
        if (e.kind === 'broadcast_message') stopped ??= d.stop();
      },
    });
    running = d;
    await d.start();
    expect(stopped).toBeDefined();
    await stopped;
    expect(clock.pending).toBe(0);
    await clock.advance(10_000);
    expect(d.stats.sent).toBe(0);
    while (process.getActiveResourcesInfo().includes('UDPWrap')) await tick();
  });
});
