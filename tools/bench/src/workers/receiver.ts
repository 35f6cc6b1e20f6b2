/**
 * Benchmark peer in its own thread: accepts authenticated connections and drains them, reporting
 * what it received. Messages with tag 0x11 mark the end of a timed run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { generateIdentity } from '@tezos-p2p/crypto';
import { IoScheduler, establish } from '@tezos-p2p/connection';
import type { P2pMessage, RawAppMessage } from '@tezos-p2p/wire';
import { benchEstablishOptions, benchServer } from '../bench-connection.js';
import { threadCpuMs } from './thread-cpu.js';

export interface ReceiverInput {
  readonly backend: 'native' | 'js';
  /** Take messages as a lending handler (`onMessage(…, { lend: true })`) instead of `tryRecv` / `recv`. */
  readonly lend?: boolean;
  readonly maxDownloadSpeed?: number;
}

export type ReceiverEvent =
  | { type: 'listening'; port: number; peerId: string }
  /** `cpuMs`: this thread's CPU time since the previous end marker (or since the handshake). */
  | { type: 'done'; bytes: number; messages: number; at: number; cpuMs: number }
  | { type: 'progress'; bytes: number; at: number };

let totalBytes = 0;

const input = workerData as ReceiverInput;
const port = parentPort!;
const identity = await generateIdentity({ difficulty: 0, workers: 0, backend: input.backend });
const scheduler = new IoScheduler({ maxDownloadSpeed: input.maxDownloadSpeed });
const server = benchServer((socket) => {
  void (async () => {
    try {
      const conn = await establish<RawAppMessage, unknown>(
        socket,
        benchEstablishOptions(identity, true, { scheduler, maxMessageSize: 8 << 20 }),
      );
      let bytes = 0;
      let messages = 0;
      let cpuAtStart = threadCpuMs();
      const count = (m: P2pMessage<RawAppMessage>): void => {
        if (m.kind !== 'Message') return;
        if (m.message.tag === 0x11) {
          const cpu = threadCpuMs();
          port.postMessage({
            type: 'done',
            bytes,
            messages,
            at: performance.timeOrigin + performance.now(),
            cpuMs: cpu - cpuAtStart,
          } satisfies ReceiverEvent);
          bytes = 0;
          messages = 0;
          cpuAtStart = cpu;
          return;
        }
        bytes += m.message.payload.length;
        totalBytes += m.message.payload.length;
        messages++;
      };
      if (input.lend === true) {
        conn.onMessage(count, { lend: true });
        await conn.closed;
        return;
      }
      // Drain whatever is queued with tryRecv and await only when the queue is empty: one promise per
      // batch rather than per message, as a consumer that keeps up would read.
      for (;;) count(conn.tryRecv() ?? (await conn.recv()));
    } catch {
      // the connection closed: the suite is done with it, or a handshake benchmark closed it abruptly
    }
  })();
});
server.listen(0, '127.0.0.1', () => {
  port.postMessage({
    type: 'listening',
    port: (server.address() as { port: number }).port,
    peerId: identity.peerId,
  } satisfies ReceiverEvent);
});
port.on('message', (m: string) => {
  if (m === 'progress')
    port.postMessage({
      type: 'progress',
      bytes: totalBytes,
      at: performance.timeOrigin + performance.now(),
    } satisfies ReceiverEvent);
  if (m === 'stop') {
    server.close();
    process.exit(0);
  }
});
