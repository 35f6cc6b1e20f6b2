/**
 * Port of Octez v25.1 `src/lib_p2p/test/test_p2p_io_scheduler.ml` (suite "p2p.io-scheduler").
 *
 * Octez: a server with its own scheduler (`max_download_speed` 1 MiB/s, read buffer and read queue
 * 16 KiB) accepts 8 clients, each with its own scheduler (`max_upload_speed` 256 KiB/s, write queue
 * 16 KiB), over real sockets; each client writes messages of random sizes 2^6..2^16 for `delay`
 * seconds, then closes; the server reads until each read fails `Connection_closed`, then closes every
 * connection. It asserts that all of this completes without any other error.
 *
 * Ours: the same caps and queue sizes on `IoScheduler`s over real loopback TCP. The scheduler
 * regulates authenticated `Connection`s (not raw fds), so each client is a handshaken connection
 * carrying its messages as the one application message (`bytes`). `delay` is 1 s instead of 5 (the
 * test's own parameter; nothing is asserted about rates). Beyond Octez, each connection's message count
 * is checked to arrive whole (clients close with `wait`, so what they queued is written first).
 */
import { randomBytes } from 'node:crypto';
import { bytes as bytesEncoding, type Encoding } from '@tezos-p2p/encoding';
import type { Identity } from '@tezos-p2p/crypto';
import { type P2pMessage, p2pMessageEncoding } from '@tezos-p2p/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Connection, type ConnectionError, IoScheduler, authenticate } from '../src/index.js';
import { makeIdentity, options, tcpPair } from './helpers.js';

const bytesMessages: Encoding<P2pMessage<Uint8Array>> = p2pMessageEncoding<Uint8Array>({
  app: [
    { tag: 0x10, title: 'bytes', encoding: bytesEncoding, wrap: (b: Uint8Array) => b, unwrap: (b: Uint8Array) => b },
  ],
});

const MAX_DOWNLOAD_SPEED = 1048576;
const MAX_UPLOAD_SPEED = 262144;
const READ_QUEUE_SIZE = 1 << 14;
const WRITE_QUEUE_SIZE = 1 << 14;
const DELAY_MS = 1000;
const CLIENTS = 8;
const simpleMsgs = Array.from({ length: 11 }, (_, i) => new Uint8Array(randomBytes(1 << (6 + i))));

let serverId: Identity;
const clientIds: Identity[] = [];
beforeAll(async () => {
  serverId = await makeIdentity();
  for (let i = 0; i < CLIENTS; i++) clientIds.push(await makeIdentity());
});

/** Octez's `receive`: read until Connection_closed; any other error fails. */
async function receive(conn: Connection<Uint8Array>): Promise<number> {
  let n = 0;
  for (;;) {
    try {
      await conn.recv();
      n++;
    } catch (e) {
      if ((e as ConnectionError).code === 'CONNECTION_CLOSED') return n;
      throw e;
    }
  }
}

/** Octez's `send` under `Lwt.pick [send; sleep delay]`: random messages until the delay is over. */
async function send(conn: Connection<Uint8Array>, until: number): Promise<number> {
  let n = 0;
  // Bounded: at 256 KiB/s for 1 s, far fewer than this many messages can be queued.
  for (let i = 0; i < 1_000_000 && Date.now() < until; i++) {
    await new Promise((r) => setImmediate(r)); // Lwt.pause
    await conn.send({ kind: 'Message', message: simpleMsgs[Math.floor(Math.random() * simpleMsgs.length)]! });
    n++;
  }
  return n;
}

describe('test_p2p_io_scheduler.ml (p2p.io-scheduler)', () => {
  it('test_p2p_io_scheduler: trivial-quota — 8 capped clients write to a capped server for a while, close, and every read ends Connection_closed', async () => {
    const serverSched = new IoScheduler({ maxDownloadSpeed: MAX_DOWNLOAD_SPEED });
    const pairs = await Promise.all(Array.from({ length: CLIENTS }, () => tcpPair('127.0.0.1')));
    const results = await Promise.all(
      pairs.map(async ([client, server], i) => {
        const clientSched = new IoScheduler({ maxUploadSpeed: MAX_UPLOAD_SPEED });
        const [c, s] = await Promise.all([
          authenticate(client, options(clientIds[i]!, false)).then((a) =>
            a.accept({ messageEncoding: bytesMessages, scheduler: clientSched, writeQueueSize: WRITE_QUEUE_SIZE }),
          ),
          authenticate(server, options(serverId, true)).then((a) =>
            a.accept({ messageEncoding: bytesMessages, scheduler: serverSched, readQueueSize: READ_QUEUE_SIZE }),
          ),
        ]);
        const received = receive(s);
        const sent = await send(c, Date.now() + DELAY_MS);
        await c.disconnect({ wait: true, reason: { kind: 'User', message: 'shutdown from client' } });
        const got = await received;
        s.close({ kind: 'User', message: 'shutdown from server' });
        clientSched.stop();
        return { sent, got, clientStat: c.stat() };
      }),
    );
    for (const r of results) {
      expect(r.got).toBe(r.sent);
      expect(r.clientStat.messagesSent).toBe(r.sent);
    }
    expect(serverSched.stat().totalRecv).toBeGreaterThan(0);
    serverSched.stop();
    await Promise.all(pairs.map(([, , stop]) => stop()));
  }, 30_000);
});
