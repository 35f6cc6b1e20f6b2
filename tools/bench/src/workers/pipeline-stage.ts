/**
 * The receiving thread of the pipeline suite (suites/pipeline.ts), in one of two roles:
 * - `receive`: dial the sender and read 64 KiB chunks from one reused 1 MiB buffer (`onread`), opening
 *   each in place when `open` is set, else only counting it (the kernel's share without the crypto);
 * - `seal`: seal 64 KiB chunks for `ms` milliseconds, as the main thread does at the same time, to
 *   see how much of two cores two busy threads get on this machine.
 */
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { PIPELINE_CHUNK, chunkSplitter } from './chunk-splitter.js';
import { threadCpuMs } from './thread-cpu.js';

export type PipelineStageInput =
  | { readonly role: 'receive'; readonly port: number; readonly open: boolean }
  | { readonly role: 'seal'; readonly ms: number };
export interface PipelineStageResult {
  readonly bytes: number;
  readonly ms: number;
  readonly cpuMs: number;
}

const sodium = createRequire(import.meta.url)('sodium-native') as {
  crypto_secretbox_detached(c: Uint8Array, mac: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_secretbox_open_detached(m: Uint8Array, c: Uint8Array, mac: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
};
const CHUNK = PIPELINE_CHUNK;
const PLAIN = CHUNK - 18;
const key = new Uint8Array(32);
const nonce = new Uint8Array(24);
const input = workerData as PipelineStageInput;
const port = parentPort!;

if (input.role === 'seal') {
  const plain = new Uint8Array(PLAIN);
  const out = new Uint8Array(CHUNK);
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  let bytes = 0;
  while (performance.now() - t0 < input.ms) {
    sodium.crypto_secretbox_detached(out.subarray(18), out.subarray(2, 18), plain, nonce, key);
    bytes += PLAIN;
  }
  port.postMessage({ bytes, ms: performance.now() - t0, cpuMs: threadCpuMs() - cpu0 } satisfies PipelineStageResult);
} else {
  const out = new Uint8Array(PLAIN);
  let bytes = 0;
  let t0 = 0;
  let cpu0 = 0;
  const chunk = (b: Uint8Array, at: number) => {
    if (input.open)
      sodium.crypto_secretbox_open_detached(
        out,
        b.subarray(at + 18, at + CHUNK),
        b.subarray(at + 2, at + 18),
        nonce,
        key,
      );
    bytes += PLAIN;
  };
  const split = chunkSplitter(chunk);
  const onRead = (n: number, buf: Uint8Array): boolean => {
    if (t0 === 0) {
      t0 = performance.now();
      cpu0 = threadCpuMs();
    }
    return split(n, buf);
  };
  const readBuffer = new Uint8Array(Buffer.allocUnsafeSlow(1 << 20).buffer, 0, 1 << 20);
  const socket = connect({ port: input.port, host: '127.0.0.1', onread: { buffer: readBuffer, callback: onRead } });
  socket.on('end', () => {
    port.postMessage({ bytes, ms: performance.now() - t0, cpuMs: threadCpuMs() - cpu0 } satisfies PipelineStageResult);
    socket.destroy();
  });
}
