/**
 * The idealised receiving end used as a ceiling: dials the sender and decrypts fixed-size chunks in
 * place from each socket read, with no framing, messages, queues or scheduling. Counts plaintext
 * bytes until end of stream.
 *
 * It reads into one reused 1 MiB buffer (`onread`, a client socket's option): with ordinary 'data'
 * events Node allocates a fresh 64 KiB buffer per read, and freeing them in bulk after each collection
 * left the thread taking up to ~120 page faults per MiB received (measured from /proc).
 */
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { PIPELINE_CHUNK, chunkSplitter } from './chunk-splitter.js';
import { threadCpuMs } from './thread-cpu.js';

const sodium = createRequire(import.meta.url)('sodium-native') as {
  crypto_secretbox_open_detached(m: Uint8Array, c: Uint8Array, mac: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
};
const CHUNK = PIPELINE_CHUNK;
const PLAIN = CHUNK - 18;
const READ_BUFFER = 1 << 20;
const key = new Uint8Array(32);
const nonce = new Uint8Array(24);
const out = new Uint8Array(PLAIN);
const port = parentPort!;
const cpu0 = threadCpuMs();

let got = 0;
const open = (b: Uint8Array, at: number) => {
  sodium.crypto_secretbox_open_detached(out, b.subarray(at + 18, at + CHUNK), b.subarray(at + 2, at + 18), nonce, key);
  got += PLAIN;
};
const onRead = chunkSplitter(open);
const readBuffer = new Uint8Array(Buffer.allocUnsafeSlow(READ_BUFFER).buffer, 0, READ_BUFFER);
const socket = connect({
  port: (workerData as { port: number }).port,
  host: '127.0.0.1',
  onread: { buffer: readBuffer, callback: onRead },
});
socket.on('end', () =>
  port.postMessage({
    type: 'done',
    bytes: got,
    at: performance.timeOrigin + performance.now(),
    cpuMs: threadCpuMs() - cpu0,
  }),
);
port.on('message', (m: string) => {
  if (m === 'stop') {
    socket.destroy();
    process.exit(0);
  }
});
