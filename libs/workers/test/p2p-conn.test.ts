import { IoScheduler } from '@tezos-p2p/connection';
import { EventBus } from '@tezos-p2p/events';
import type { RawAppMessage, ShellConnectionMetadata } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import { connectionPair, silentAnswerer, startConn } from './memory-connections.js';
import type { P2pConn } from '../src/index.js';

describe('P2pConn', () => {
  it('holds at most size − 1 application messages (Lwt_pipe), stalling the connection beyond', async () => {
    const [local, remote] = await connectionPair();
    const greylisted: string[] = [];
    const conn = startConn(local, { appQueueSize: 4, greylist: (m) => greylisted.push(m) });
    for (let i = 0; i < 20; i++)
      await remote.send({ kind: 'Message', message: { tag: 0x10, payload: new Uint8Array([i]) } });
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(conn.queuedAppMessages).toBe(3);
    for (let i = 0; i < 20; i++) expect((await conn.read()).payload[0]).toBe(i);
    await conn.disconnect({ kind: 'User', message: 'done' });
    expect(greylisted).toEqual([]);
  });

  it('application messages keep their bytes in the read budget until the application reads them: the queue is bounded in bytes too', async () => {
    // 3 KiB per connection: three 1,006-byte messages at most, whatever the count bound (10) says.
    const scheduler = new IoScheduler({
      readMemory: { guaranteedPerAccount: 1024, shared: 1 << 20, perAccountCap: 3 * 1024, accounts: 1 },
    });
    const budget = scheduler.memory.read;
    const [local, remote] = await connectionPair(scheduler);
    const seen: string[] = [];
    const answerer: typeof silentAnswerer = { ...silentAnswerer, bootstrap: async () => void seen.push('bootstrap') };
    const conn = startConn(local, { answerer });
    await remote.send({ kind: 'Bootstrap' });
    for (let i = 0; i < 6; i++)
      await remote.send({ kind: 'Message', message: { tag: 0x10, payload: new Uint8Array(1000).fill(i) } });
    for (let i = 0; i < 200 && budget.stat().waiting === 0; i++) await new Promise((r) => setImmediate(r));
    // The Bootstrap was handled and released; three messages wait, the fourth waits for room.
    expect(seen).toEqual(['bootstrap']);
    expect(budget.stat()).toMatchObject({ used: 3 * 1006, waiting: 1 });
    expect(conn.queuedAppMessages + local.queuedIncoming.messages).toBe(3);
    const leased = await conn.readLeased();
    expect([leased.value.payload[0], leased.bytes, budget.stat().used]).toEqual([0, 1006, 3 * 1006]);
    leased.release();
    for (let i = 1; i < 6; i++) expect((await conn.read()).payload[0]).toBe(i);
    expect(budget.stat()).toMatchObject({ used: 0, waiting: 0 });
    await conn.disconnect({ kind: 'User', message: 'done' });
    expect(budget.stat().accounts).toBe(0);
  });

  it('a decoding error greylists before closing; every close ends in one onClosed', async () => {
    const [local, remote] = await connectionPair();
    const calls: string[] = [];
    const conn = startConn(local, {
      greylist: (m) => calls.push(`greylist ${m}`),
      onClosed: (_c, r) => calls.push(`closed ${r.kind}`),
    });
    remote.trySendEncoded(new Uint8Array([0, 0, 0, 2, 0, 7]));
    const reason = await conn.done;
    expect(reason.kind).toBe('Read_error');
    expect(calls).toEqual(['greylist decoding error', 'closed Read_error']);
    await conn.disconnect({ kind: 'User', message: 'again' });
    expect(calls).toHaveLength(2);
    await expect(conn.read()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED_LOCALLY' });
  });

  it('Disconnect from the peer closes; P2P messages go to the answerer', async () => {
    const [local, remote] = await connectionPair();
    const seen: string[] = [];
    const answerer: typeof silentAnswerer = {
      ...silentAnswerer,
      bootstrap: async () => void seen.push('bootstrap'),
      advertise: async (_c, pts) => void seen.push(`advertise ${pts.length}`),
    };
    const conn = startConn(local, { answerer });
    await remote.send({ kind: 'Bootstrap' });
    await remote.send({ kind: 'Advertise', points: [{ ip: '10.0.0.1', port: 1 }] });
    await remote.send({ kind: 'Disconnect' });
    expect(await conn.done).toEqual({ kind: 'Disconnect_received' });
    expect(seen).toEqual(['bootstrap', 'advertise 1']);
  });

  it.each([false, true])(
    'peer discovery disabled = %s: Bootstrap and Advertise are written, or neither is and those received are ignored',
    async (disabled) => {
      const [local, remote] = await connectionPair();
      const seen: string[] = [];
      const logged: string[] = [];
      const bus = new EventBus();
      bus.reports$.subscribe((e) => void ('peerId' in e && logged.push(`${e.kind} ${e.peerId}`)));
      const answerer: typeof silentAnswerer = {
        ...silentAnswerer,
        bootstrap: async () => void seen.push('bootstrap'),
        advertise: async () => void seen.push('advertise'),
      };
      const conn = startConn(local, { answerer, disablePeerDiscovery: disabled, bus });
      expect(conn.writeBootstrap()).toBe(!disabled);
      expect(conn.writeAdvertise([{ ip: '10.0.0.1', port: 1 }])).toBe(!disabled);
      // A message behind them: whatever was written before it arrives first.
      expect(conn.writeNow({ kind: 'Message', message: { tag: 0x10, payload: new Uint8Array([1]) } })).toBe(true);
      const received: string[] = [];
      for (;;) {
        const m = await remote.recv();
        received.push(m.kind);
        if (m.kind === 'Message') break;
      }
      expect(received).toEqual(disabled ? ['Message'] : ['Bootstrap', 'Advertise', 'Message']);
      expect(logged).toEqual(disabled ? [`peer_discovery_disabled ${conn.peerId}`] : []);
      await remote.send({ kind: 'Bootstrap' });
      await remote.send({ kind: 'Advertise', points: [{ ip: '10.0.0.1', port: 1 }] });
      await remote.send({ kind: 'Disconnect' });
      await conn.done;
      expect(seen).toEqual(disabled ? [] : ['bootstrap', 'advertise']);
      // Read, they are logged either way, as Octez's `P2p_conn` emits `bootstrap_received` / `advertise_received` before its check.
      expect(logged.slice(-2)).toEqual([`bootstrap_received ${conn.peerId}`, `advertise_received ${conn.peerId}`]);
    },
  );

  /** Resolves with the reason, or with 'still open' if the connection has not noticed the close (a hang, not a timing bound). */
  const closedOrHung = (conn: P2pConn<RawAppMessage, ShellConnectionMetadata>) =>
    Promise.race([conn.done, new Promise<'still open'>((r) => setTimeout(() => r('still open'), 5000))]);

  // Regression: a peer's close went unnoticed while the loop slept in the protocol throttle (60 s
  // after a second Swap_request), leaving a dead connection in the pool (seen in tools/netns: a
  // swapped-away peer stayed "connected" on the other side until shutdown). Octez cancels the
  // connection as soon as its socket reads EOF, whatever the loop is doing.
  it('notices the peer closing while it sleeps in the Swap_request throttle', async () => {
    const [local, remote] = await connectionPair();
    const seen: string[] = [];
    const closed: string[] = [];
    const answerer: typeof silentAnswerer = {
      ...silentAnswerer,
      swapRequest: async () => void seen.push('swap request'),
    };
    // A fake clock that never moves: the second Swap_request's 60 s cooldown never ends by itself.
    const conn = startConn(local, { answerer, onClosed: (_c, r) => closed.push(r.kind) });
    const swap = { kind: 'Swap_request', point: { ip: '10.0.0.1', port: 9732 }, peerId: remote.info.peerId } as const;
    await remote.send(swap);
    await remote.send(swap);
    for (let i = 0; i < 20 && seen.length === 0; i++) await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['swap request']);
    remote.close();
    expect(await closedOrHung(conn)).toEqual({ kind: 'Connection_closed_by_peer' });
    expect(closed).toEqual(['Connection_closed_by_peer']);
    expect(seen).toEqual(['swap request']);
  });

  // The wait's abort signal is made only once a message has to wait (most connections never do): a
  // stop requested during that wait must still cut it short, and one requested while the answerer
  // runs must end the loop before the next message, both with the requested reason.
  it('a local disconnect cuts a throttle wait short, or ends the loop after the message in hand', async () => {
    for (const when of ['during the wait', 'while answering'] as const) {
      const [local, remote] = await connectionPair();
      const seen: string[] = [];
      const closed: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      const answerer: typeof silentAnswerer = {
        ...silentAnswerer,
        // 'while answering': the first answer is held until the stop is requested.
        swapAck: async () => {
          seen.push('swap ack');
          if (when === 'while answering' && seen.length === 1) await gate;
        },
      };
      const conn = startConn(local, { answerer, onClosed: (_c, r) => closed.push(r.kind) });
      const ack = { kind: 'Swap_ack', point: { ip: '10.0.0.1', port: 9732 }, peerId: remote.info.peerId } as const;
      await remote.send(ack);
      await remote.send(ack);
      for (let i = 0; i < 20 && seen.length === 0; i++) await new Promise((r) => setImmediate(r));
      const stopping = conn.disconnect({ kind: 'User', message: 'bye' });
      release();
      await stopping;
      expect(await closedOrHung(conn), when).toEqual({ kind: 'User', message: 'bye' });
      expect(closed, when).toEqual(['User']);
      expect(seen, when).toEqual(['swap ack']);
      remote.close();
    }
  });

  it('a decoding error while it sleeps in the throttle still greylists, then closes', async () => {
    const [local, remote] = await connectionPair();
    const calls: string[] = [];
    const conn = startConn(local, {
      greylist: (m) => calls.push(`greylist ${m}`),
      onClosed: (_c, r) => calls.push(`closed ${r.kind}`),
    });
    const ack = { kind: 'Swap_ack', point: { ip: '10.0.0.1', port: 9732 }, peerId: remote.info.peerId } as const;
    await remote.send(ack);
    await remote.send(ack);
    remote.trySendEncoded(new Uint8Array([0, 0, 0, 2, 0, 7]));
    expect(((await closedOrHung(conn)) as { kind: string }).kind).toBe('Read_error');
    expect(calls).toEqual(['greylist decoding error', 'closed Read_error']);
  });

  it('notices the peer closing while its application queue is full', async () => {
    const [local, remote] = await connectionPair();
    const conn = startConn(local, { appQueueSize: 2 });
    for (let i = 0; i < 5; i++)
      await remote.send({ kind: 'Message', message: { tag: 0x10, payload: new Uint8Array([i]) } });
    for (let i = 0; i < 50 && conn.queuedAppMessages === 0; i++) await new Promise((r) => setImmediate(r));
    expect(conn.queuedAppMessages).toBe(1);
    remote.close();
    expect(await closedOrHung(conn)).toEqual({ kind: 'Connection_closed_by_peer' });
    // What was queued before the close can still be read.
    expect((await conn.read()).payload[0]).toBe(0);
  });
});
