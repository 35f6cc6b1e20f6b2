/**
 * The idealised receiving end used as a ceiling: decrypts fixed-size chunks in place from each socket
 * read, with no framing, messages, queues or scheduling. Counts plaintext bytes until end of stream.
 */
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

const sodium = createRequire(import.meta.url)('sodium-native') as {
  crypto_secretbox_open_detached(m: Uint8Array, c: Uint8Array, mac: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
};
const CHUNK = 65535;
const PLAIN = CHUNK - 18;
const key = new Uint8Array(32);
const nonce = new Uint8Array(24);
const scratch = Buffer.alloc(CHUNK);
const out = Buffer.allocUnsafeSlow(PLAIN);
const port = parentPort!;

const server = createServer((c) => {
  let partial = 0;
  let got = 0;
  const open = (b: Buffer, at: number) => {
    sodium.crypto_secretbox_open_detached(
      out,
      b.subarray(at + 18, at + CHUNK),
      b.subarray(at + 2, at + 18),
      nonce,
      key,
    );
    got += PLAIN;
  };
  c.on('data', (d: Buffer) => {
    let at = 0;
    if (partial > 0) {
      const k = Math.min(CHUNK - partial, d.length);
      d.copy(scratch, partial, 0, k);
      partial += k;
      at = k;
      if (partial === CHUNK) {
        open(scratch, 0);
        partial = 0;
      }
    }
    for (; d.length - at >= CHUNK; at += CHUNK) open(d, at);
    if (at < d.length) {
      d.copy(scratch, 0, at);
      partial = d.length - at;
    }
  });
  c.on('end', () => port.postMessage({ type: 'done', bytes: got, at: performance.timeOrigin + performance.now() }));
});
server.listen(0, '127.0.0.1', () =>
  port.postMessage({ type: 'listening', port: (server.address() as { port: number }).port }),
);
port.on('message', (m: string) => {
  if (m === 'stop') {
    server.close();
    process.exit(0);
  }
});
