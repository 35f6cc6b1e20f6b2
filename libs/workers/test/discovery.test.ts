import { type Socket, createSocket } from 'node:dgram';
import { fromHex, toHex } from '@tezos-p2p/encoding';
import { EventBus, FakeClock, type P2pReport } from '@tezos-p2p/events';
import { type PeerId, type Point, peerIdFromBytes } from '@tezos-p2p/wire';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_DISCOVERY_PORT,
  Discovery,
  DiscoveryError,
  type DiscoveryEvent,
  type DiscoveryOptions,
  checkDiscoveryDatagram,
  makeDiscoveryDatagram,
} from '../src/discovery/index.js';
import { INITIAL_SENDER_CONFIG, MAX_LOOP, afterSleep, onCompletion } from '../src/discovery/schedule.js';

// Peer A of vectors.md (its datagram for port 9732 is a published vector), and two more.
const A = peerIdFromBytes(fromHex('56cde7b29892029dd5835a755384b154'));
const B = peerIdFromBytes(new Uint8Array(16).fill(0xbb));
const C = peerIdFromBytes(new Uint8Array(16).fill(0xcc));

/** Everything a test opened, closed after it whatever happens. */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

function udpSocket(reuseAddr = false): Socket {
  const s = createSocket({ type: 'udp4', reuseAddr });
  cleanups.push(
    () =>
      new Promise((resolve) => {
        try {
          s.close(() => resolve());
        } catch {
          resolve();
        }
      }),
  );
  return s;
}

function bind(s: Socket, port: number, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind({ port, address }, () => {
      s.off('error', reject);
      resolve(s.address().port);
    });
  });
}

/** A UDP port free on 0.0.0.0 right now (bound, then released). */
async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  const port = await bind(s, 0, '0.0.0.0');
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function send(s: Socket, bytes: Uint8Array, port: number, address = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => s.send(bytes, port, address, (err) => (err ? reject(err) : resolve())));
}

interface Harness {
  d: Discovery;
  events: DiscoveryEvent[];
  registered: { point: Point; trusted: boolean }[];
  /** Resolves at the n-th registration (1-based). */
  registration(n: number): Promise<void>;
}

function harness(opts: Partial<DiscoveryOptions> & Pick<DiscoveryOptions, 'discoveryPort'>): Harness {
  const events: DiscoveryEvent[] = [];
  const registered: { point: Point; trusted: boolean }[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const d = new Discovery({
    peerId: A,
    listeningPort: 9732,
    discoveryAddr: '127.0.0.1',
    register: (point, { trusted }) => {
      registered.push({ point, trusted });
      for (const w of waiters) if (registered.length >= w.n) w.resolve();
    },
    onEvent: (e) => events.push(e),
    ...opts,
  });
  cleanups.push(() => d.stop());
  return {
    d,
    events,
    registered,
    registration: (n) => new Promise((resolve) => (registered.length >= n ? resolve() : waiters.push({ n, resolve }))),
  };
}

function broadcastTimes(
  events: DiscoveryEvent[],
  times: number[],
  clock: FakeClock,
  t0: number,
): (e: DiscoveryEvent) => void {
  return (e) => {
    events.push(e);
    if (e.kind === 'broadcast_message') times.push(clock.now() - t0);
  };
}

/** Let a microtask hop (the sender's step between two waits) go by. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('datagram', () => {
  it('is the 28 bytes of the published vector (A, port 9732) and reads back', () => {
    const bytes = makeDiscoveryDatagram(A, 9732);
    expect(toHex(bytes)).toBe('444953434f4d41474943' + '56cde7b29892029dd5835a755384b154' + '2604');
    expect(checkDiscoveryDatagram(bytes)).toEqual({ ok: true, peerId: A, port: 9732 });
  });

  it('refuses wrong sizes, a wrong magic and negative ports', () => {
    const good = makeDiscoveryDatagram(A, 9732);
    expect(checkDiscoveryDatagram(good.subarray(0, 27))).toMatchObject({ ok: false, reason: 'WRONG_SIZE' });
    expect(checkDiscoveryDatagram(new Uint8Array([...good, 0]))).toMatchObject({ ok: false, reason: 'WRONG_SIZE' });
    expect(checkDiscoveryDatagram(new Uint8Array(0))).toMatchObject({ ok: false, reason: 'WRONG_SIZE' });
    const magic = good.slice();
    magic[9] = 0x58; // DISCOMAGIX
    expect(checkDiscoveryDatagram(magic)).toMatchObject({ ok: false, reason: 'BAD_MAGIC' });
    const negative = good.slice();
    negative[26] = 0xff;
    negative[27] = 0xff;
    expect(checkDiscoveryDatagram(negative)).toEqual({ ok: false, reason: 'BAD_PORT', detail: 'announced port -1' });
    expect(toHex(makeDiscoveryDatagram(A, 32767)).slice(-4)).toBe('7fff');
  });
});

describe('options', () => {
  const base = {
    peerId: A,
    listeningPort: 9732,
    discoveryAddr: '255.255.255.255',
    discoveryPort: DEFAULT_DISCOVERY_PORT,
    register: () => {},
  };
  const codeOf = (o: Partial<DiscoveryOptions>): string | undefined => {
    try {
      new Discovery({ ...base, ...o } as DiscoveryOptions);
      return undefined;
    } catch (e) {
      expect(e).toBeInstanceOf(DiscoveryError);
      return (e as DiscoveryError).code;
    }
  };

  it('refuses a listening port that does not fit the signed int16 of the datagram', () => {
    expect(DEFAULT_DISCOVERY_PORT).toBe(10732);
    expect(codeOf({ listeningPort: 32767 })).toBeUndefined();
    expect(codeOf({ listeningPort: 32768 })).toBe('PORT_NOT_ANNOUNCEABLE');
    expect(codeOf({ listeningPort: 65535 })).toBe('PORT_NOT_ANNOUNCEABLE');
    expect(() => new Discovery({ ...base, listeningPort: 40000 })).toThrow(/listening port 40000 .*signed int16/);
  });

  it('refuses ports out of range, non-IPv4 addresses and bad peer ids', () => {
    expect(codeOf({ listeningPort: -1 })).toBe('INVALID_OPTIONS');
    expect(codeOf({ listeningPort: 70000 })).toBe('INVALID_OPTIONS');
    expect(codeOf({ listeningPort: 1.5 })).toBe('INVALID_OPTIONS');
    expect(codeOf({ discoveryPort: 0 })).toBe('INVALID_OPTIONS');
    expect(codeOf({ discoveryPort: 65536 })).toBe('INVALID_OPTIONS');
    expect(codeOf({ discoveryAddr: 'localhost' })).toBe('INVALID_OPTIONS');
    expect(codeOf({ discoveryAddr: '::1' })).toBe('INVALID_OPTIONS');
    expect(codeOf({ discoveryAddr: '::ffff:192.168.1.255' })).toBeUndefined();
    expect(codeOf({ bindAddr: '::' })).toBe('INVALID_OPTIONS');
    expect(codeOf({ peerId: 'idtnope' as PeerId })).toBe('INVALID_OPTIONS');
    expect(codeOf({ bus: {} as EventBus })).toBe('INVALID_OPTIONS');
  });
});

describe('reports on a bus', () => {
  it('inside a P2p layer the reports go on the bus, in order with the standalone hook', async () => {
    const port = await freePort();
    const bus = new EventBus();
    const onBus: P2pReport[] = [];
    bus.reports$.subscribe((r) => onBus.push(r));
    const h = harness({ discoveryPort: port, bindAddr: '127.0.0.1', clock: new FakeClock(), bus });
    await h.d.start();
    // The first broadcast is immediate; it comes back to our own answer socket and is ignored as ours.
    while (!h.events.some((e) => e.kind === 'ignored')) await tick();
    expect(onBus).toEqual(h.events);
    expect(onBus.map((r) => r.kind)).toEqual(['broadcast_message', 'message_received', 'ignored']);
    await h.d.stop();
    bus.close();
  });
});

describe('sender schedule (pure)', () => {
  it('doubles from 0.1 s for ten rounds, then stays; from a restart it stays one doubling later', () => {
    const gaps = (from: typeof INITIAL_SENDER_CONFIG, n: number): number[] => {
      const out: number[] = [];
      let c = from;
      for (let i = 0; i < n; i++) {
        out.push(c.delayMs);
        c = onCompletion(afterSleep(c));
      }
      return out;
    };
    expect(MAX_LOOP).toBe(10);
    expect(gaps(INITIAL_SENDER_CONFIG, 12)).toEqual([
      100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 51200, 51200,
    ]);
    // A restart signal returns Config.initial, which on_completion doubles before the next wait.
    expect(gaps(onCompletion(INITIAL_SENDER_CONFIG), 12)).toEqual([
      200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 102400, 102400, 102400,
    ]);
  });
});

describe('sender schedule on a fake clock', () => {
  async function started(): Promise<{ h: Harness; clock: FakeClock; times: number[] }> {
    const port = await freePort();
    const clock = new FakeClock();
    const times: number[] = [];
    const events: DiscoveryEvent[] = [];
    // Sends to our own answer socket: the datagrams come back and are ignored as ours.
    const h = harness({
      discoveryPort: port,
      bindAddr: '127.0.0.1',
      clock,
      onEvent: broadcastTimes(events, times, clock, clock.now()),
    });
    await h.d.start();
    return { h, clock, times };
  }

  it('broadcasts at t = 0, 0.1, 0.3, 0.7 … then every 51.2 s', async () => {
    const { h, clock, times } = await started();
    expect(times).toEqual([0]); // the first broadcast is immediate
    await clock.advance(310_000);
    expect(times).toEqual([
      0, 100, 300, 700, 1500, 3100, 6300, 12700, 25500, 51100, 102300, 153500, 204700, 255900, 307100,
    ]);
    expect(clock.pending).toBe(1);
    await h.d.stop();
    expect(clock.pending).toBe(0);
  });

  it('wakeup while sleeping: broadcast at once, then gaps 0.2 s … 51.2 s and 102.4 s forever', async () => {
    const { h, clock, times } = await started();
    await clock.advance(1000); // sends at 0, 100, 300, 700; sleeping until 1500
    h.d.wakeup();
    // A second signal before the sender waits again is lost, as Lwt_condition.signal with no waiter.
    h.d.wakeup();
    await tick();
    expect(times).toEqual([0, 100, 300, 700, 1000]);
    await clock.advance(310_000);
    const after = times.slice(4).map((t) => t - 1000);
    expect(after).toEqual([0, 200, 600, 1400, 3000, 6200, 12600, 25400, 51000, 102200, 204600, 307000]);
    expect(after.slice(1).map((t, i) => t - after[i]!)).toEqual([
      200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 102400, 102400,
    ]);
    expect(clock.pending).toBe(1);
  });

  it('wakeup in the steady state restarts the fast rounds; a wakeup while stopped is ignored', async () => {
    const { h, clock, times } = await started();
    await clock.advance(200_000); // steady: last send at 153500, next at 204700
    const n = times.length;
    h.d.wakeup();
    await tick();
    await clock.advance(1000);
    expect(times.slice(n)).toEqual([200_000, 200_200, 200_600]);
    await h.d.stop();
    h.d.wakeup();
    await clock.advance(1_000_000);
    expect(times.length).toBe(n + 3);
    expect(clock.pending).toBe(0);
  });
});

describe('answer worker on loopback', () => {
  it('registers the announced point of a well-formed datagram and ignores everything else, never throwing', async () => {
    const port = await freePort();
    // The sender goes to 127.0.0.3, where nothing listens: only the datagrams below reach us.
    const h = harness({
      discoveryPort: port,
      bindAddr: '127.0.0.1',
      discoveryAddr: '127.0.0.3',
      clock: new FakeClock(),
    });
    await h.d.start();
    const s = udpSocket();
    await bind(s, 0, '127.0.0.1');
    const good = makeDiscoveryDatagram(B, 9733);
    const badMagic = good.slice();
    badMagic[0] = 0x64;
    const negative = good.slice();
    negative.set([0x80, 0x00], 26);
    const garbage = new Uint8Array(28).map((_, i) => (i * 37 + 11) & 0xff);
    for (const bytes of [
      good.subarray(0, 27),
      new Uint8Array([...good, 0]),
      new Uint8Array(0),
      badMagic,
      garbage,
      makeDiscoveryDatagram(A, 9000),
      negative,
    ]) {
      await send(s, bytes, port);
    }
    await send(s, good, port); // the barrier: datagrams from one socket over loopback arrive in order
    await h.registration(1);
    expect(h.registered).toEqual([{ point: { ip: '127.0.0.1', port: 9733 }, trusted: false }]);
    expect(h.d.stats).toMatchObject({ received: 8, registered: 1, ignored: 7 });
    const drops = h.events
      .filter((e) => e.kind === 'parse_error' || e.kind === 'ignored')
      .map((e) => ('reason' in e ? e.reason : ''));
    expect(drops).toEqual([
      'WRONG_SIZE',
      'WRONG_SIZE',
      'WRONG_SIZE',
      'BAD_MAGIC',
      'BAD_MAGIC',
      'OWN_PEER_ID',
      'BAD_PORT',
    ]);
    expect(h.events.filter((e) => e.kind === 'message_received')).toHaveLength(8);
    expect(h.events).toContainEqual({
      kind: 'register_new',
      point: { ip: '127.0.0.1', port: 9733 },
      peerId: B,
      trusted: false,
    });
  });

  it('survives a throwing register callback and a throwing event hook', async () => {
    const port = await freePort();
    let calls = 0;
    const errors: string[] = [];
    const d = new Discovery({
      peerId: A,
      listeningPort: 9732,
      discoveryAddr: '127.0.0.3',
      discoveryPort: port,
      bindAddr: '127.0.0.1',
      clock: new FakeClock(),
      register: () => {
        if (++calls === 1) throw new Error('pool is gone');
      },
      onEvent: (e) => {
        if (e.kind === 'unexpected_error') errors.push(`${e.error} stopped=${e.stopped}`);
        throw new Error('hook bug');
      },
    });
    cleanups.push(() => d.stop());
    await d.start();
    const s = udpSocket();
    await bind(s, 0, '127.0.0.1');
    await send(s, makeDiscoveryDatagram(B, 1), port);
    await send(s, makeDiscoveryDatagram(C, 2), port);
    while (d.stats.received < 2) await tick();
    expect(calls).toBe(2);
    expect(errors).toEqual(['register 127.0.0.1:1: pool is gone stopped=false']);
    expect(d.stats).toMatchObject({ received: 2, registered: 1, ignored: 1 });
  });

  it('sends exactly the 28-byte datagram with our peer id and listening port to discoveryAddr:discoveryPort', async () => {
    const port = await freePort();
    // Our answer socket on 127.0.0.2, the capture on 127.0.0.1: same port, distinct addresses.
    const capture = udpSocket();
    await bind(capture, port, '127.0.0.1');
    const got = new Promise<{ bytes: string; from: string }>((resolve) =>
      capture.once('message', (m, r) => resolve({ bytes: toHex(m), from: r.address })),
    );
    const h = harness({
      discoveryPort: port,
      bindAddr: '127.0.0.2',
      discoveryAddr: '127.0.0.1',
      listeningPort: 9732,
      clock: new FakeClock(),
    });
    await h.d.start();
    expect(await got).toEqual({ bytes: toHex(makeDiscoveryDatagram(A, 9732)), from: '127.0.0.1' });
    while (h.d.stats.sent < 1) await tick();
    expect(h.events[0]).toEqual({ kind: 'broadcast_message', destination: { address: '127.0.0.1', port } });
  });
});

describe('two nodes on one host, real UDP', () => {
  it('each registers the other through the loopback broadcast address', async () => {
    // Both answer sockets are bound to 0.0.0.0:port with SO_REUSEADDR, as Octez binds them. With
    // SO_REUSEADDR the kernel delivers a unicast datagram (say to 127.0.0.1) to ONE of the sockets
    // sharing the port, but a broadcast to every one of them. 255.255.255.255 leaves through the
    // default route (here an Ethernet interface, with the host's LAN address as source), so it is
    // not confined to loopback; 127.255.255.255 is the broadcast address of lo's 127.0.0.0/8 (Linux
    // adds it to the local routing table), so it reaches every socket on the port, with source
    // 127.0.0.1, and nothing leaves the host. Each node also gets its own datagram back and drops it.
    const port = await freePort();
    let onA: (e: DiscoveryEvent) => void = () => {};
    const ownA = new Promise<void>((resolve) => {
      onA = (e) => e.kind === 'ignored' && resolve();
    });
    const a = harness({
      peerId: A,
      listeningPort: 9732,
      discoveryAddr: '127.255.255.255',
      discoveryPort: port,
      trustDiscoveredPeers: true,
      onEvent: (e) => onA(e),
    });
    const b = harness({ peerId: B, listeningPort: 19732, discoveryAddr: '127.255.255.255', discoveryPort: port });
    await Promise.all([a.d.start(), b.d.start()]);
    await Promise.all([a.registration(1), b.registration(1), ownA]);
    expect(a.registered[0]).toEqual({ point: { ip: '127.0.0.1', port: 19732 }, trusted: true });
    expect(b.registered[0]).toEqual({ point: { ip: '127.0.0.1', port: 9732 }, trusted: false });
    await Promise.all([a.d.stop(), b.d.stop()]);
    expect(a.d.stats.sent).toBeGreaterThan(0);
  });
});

describe('start and stop', () => {
  it('start rejects with BIND_FAILED naming the address when the port is held without SO_REUSEADDR', async () => {
    const holder = udpSocket(false);
    const port = await bind(holder, 0, '0.0.0.0');
    const clock = new FakeClock();
    const h = harness({ discoveryPort: port, clock });
    const err = await h.d.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryError);
    expect(err).toMatchObject({ code: 'BIND_FAILED' });
    expect((err as Error).message).toContain(`0.0.0.0:${port}`);
    expect(h.events[0]).toMatchObject({ kind: 'create_socket_error', address: '0.0.0.0', port });
    expect(clock.pending).toBe(0); // no sender without a bound answer socket
    // Once the port is free, the same instance starts.
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    await h.d.start();
    expect(clock.pending).toBe(1);
  });

  it('start rejects with BIND_FAILED for an address that is not ours', async () => {
    const h = harness({ discoveryPort: await freePort(), bindAddr: '203.0.113.1', clock: new FakeClock() });
    await expect(h.d.start()).rejects.toMatchObject({
      code: 'BIND_FAILED',
      message: expect.stringContaining('203.0.113.1:'),
    });
  });

  it('stop closes every socket and cancels the timer; start/stop repeat without EADDRINUSE', async () => {
    const port = await freePort();
    const udpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
    const clock = new FakeClock();
    const times: number[] = [];
    const events: DiscoveryEvent[] = [];
    const t0 = clock.now();
    const h = harness({
      discoveryPort: port,
      bindAddr: '127.0.0.1',
      clock,
      onEvent: broadcastTimes(events, times, clock, t0),
    });
    for (let round = 0; round < 3; round++) {
      await h.d.start();
      await h.d.start(); // no-op while started
      await clock.advance(350); // sends at +0, +100, +300: broadcast sockets may still be in flight
      const stopping = h.d.stop();
      expect(h.d.stop()).toBe(stopping);
      await stopping;
      await h.d.stop();
      expect(clock.pending).toBe(0);
      // A closed handle leaves Node's active list a loop turn or two later; a leaked one never does
      // (and the test times out).
      while (udpHandles() > 0) await tick();
      // The port is really released: a socket without SO_REUSEADDR can take it.
      const probe = createSocket('udp4');
      await bind(probe, port, '0.0.0.0');
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    }
    // Each start begins the schedule afresh.
    expect(times).toEqual([0, 100, 300, 350, 450, 650, 700, 800, 1000]);
    // Fresh instances on the same port, one after the other.
    for (let i = 0; i < 3; i++) {
      const other = harness({ discoveryPort: port, clock });
      await other.d.start();
      await other.d.stop();
    }
    expect(clock.pending).toBe(0);
  });

  it('stop during start: start rejects, nothing is left behind', async () => {
    const clock = new FakeClock();
    const h = harness({ discoveryPort: await freePort(), clock });
    const starting = h.d.start();
    await h.d.stop();
    await expect(starting).rejects.toMatchObject({ code: 'BIND_FAILED' });
    expect(clock.pending).toBe(0);
    expect(h.events.filter((e) => e.kind === 'create_socket_error')).toEqual([]);
  });
});
