/**
 * What one handshake costs, both ends together, split into the crypto the protocol requires —
 * each part measured through the library and as the raw libsodium primitive — and the rest (syscalls,
 * the event loop, streams, GC), which is the measured CPU per handshake minus the crypto.
 */
import { createRequire } from 'node:module';
import { checkProofOfWork, generateNonces, generateIdentity, getCryptoBackend, peerIdOf } from '@tezos-p2p/crypto';
import { consume, measureSync } from '../harness.js';
import type { Figure } from '../report.js';

interface RawSodium {
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void;
  crypto_generichash(out: Uint8Array, input: Uint8Array): void;
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
}
const sodium = createRequire(import.meta.url)('sodium-native') as RawSodium;

/** Microseconds per call of `op`. */
function micros(op: () => void): number {
  return 1e6 / measureSync(op, { sampleMs: 150, samples: 5, warmupMs: 50 }).opsPerSec;
}

interface Part {
  readonly name: string;
  /** Through the library (what a handshake runs), µs per handshake. */
  readonly library: number;
  /** The raw primitives alone, µs per handshake. */
  readonly raw: number;
  readonly rawName: string;
}

/** Crypto of one handshake, both ends: each end does each of these once (seals and opens: twice). */
async function parts(): Promise<Part[]> {
  const b = getCryptoBackend('native');
  const [x, y] = await Promise.all([
    generateIdentity({ difficulty: 0, workers: 0 }),
    generateIdentity({ difficulty: 0, workers: 0 }),
  ]);
  const sk = x.secretKey.expose();
  const shared = new Uint8Array(32);
  const h32 = new Uint8Array(32);
  // A connection message is about 100 bytes (key, stamp, nonce, version).
  const sent = new Uint8Array(104).fill(1);
  const received = new Uint8Array(104).fill(2);
  const nonceInput = new Uint8Array(2 * 104 + 12);
  const powInput = new Uint8Array(56);
  const key = b.precompute(sk, y.publicKey);
  const nonce = new Uint8Array(24);
  // Metadata (2 bytes) and Ack (1 byte) are the handshake's encrypted chunks.
  const plain = new Uint8Array(2);
  const boxed = new Uint8Array(18);
  b.sealInto(key, nonce, plain, boxed, 0);
  const opened = new Uint8Array(2);
  return [
    {
      name: 'key agreement (X25519 + HSalsa20), 2 per handshake',
      library: 2 * micros(() => consume(b.precompute(sk, y.publicKey))),
      raw: 2 * micros(() => sodium.crypto_scalarmult(shared, sk, y.publicKey)),
      rawName: 'raw crypto_scalarmult × 2',
    },
    {
      name: 'proof-of-work check (Blake2b-256), 2 per handshake',
      library: 2 * micros(() => consume(checkProofOfWork(b, y.publicKey, y.proofOfWorkStamp, 0))),
      raw: 2 * micros(() => sodium.crypto_generichash(h32, powInput)),
      rawName: 'raw crypto_generichash × 2',
    },
    {
      name: 'nonce derivation (2 × Blake2b-256), 2 per handshake',
      library:
        2 * micros(() => consume(generateNonces(b, { incoming: false, sentMessage: sent, receivedMessage: received }))),
      raw: 4 * micros(() => sodium.crypto_generichash(h32, nonceInput)),
      rawName: 'raw crypto_generichash × 4',
    },
    {
      name: 'peer id (Blake2b-128 + base58check), 2 per handshake',
      library: 2 * micros(() => consume(peerIdOf(b, y.publicKey))),
      raw: 2 * micros(() => sodium.crypto_generichash(h32.subarray(0, 16), y.publicKey)),
      rawName: 'raw crypto_generichash × 2',
    },
    {
      name: 'seal + open of metadata and Ack, 4 each per handshake',
      library:
        4 * (micros(() => b.sealInto(key, nonce, plain, boxed, 0)) + micros(() => consume(b.open(key, nonce, boxed)))),
      raw:
        4 *
        (micros(() => sodium.crypto_secretbox_easy(boxed, plain, nonce, key)) +
          micros(() => consume(sodium.crypto_secretbox_open_easy(opened, boxed, nonce, key)))),
      rawName: 'raw secretbox_easy + open_easy × 4',
    },
  ];
}

/**
 * Rows for one handshake's cost beside its bound: `cpuMicros` is the measured CPU time (both ends)
 * per handshake over loopback TCP, `perSec` the measured rate.
 */
export async function handshakeCostFigures(cpuMicros: number, perSec: number): Promise<Figure[]> {
  const ps = await parts();
  const crypto = ps.reduce((s, p) => s + p.library, 0);
  const raw = ps.reduce((s, p) => s + p.raw, 0);
  const unit = 'µs/handshake';
  return [
    ...ps.map((p): Figure => ({
      name: `cost: ${p.name}`,
      value: p.library,
      unit,
      baseline: { name: p.rawName, value: p.raw },
    })),
    { name: 'cost: crypto, total', value: crypto, unit, baseline: { name: 'raw primitives, total', value: raw } },
    {
      name: 'cost: syscalls, event loop, streams, GC (measured CPU − crypto)',
      value: cpuMicros - crypto,
      unit,
      baseline: { name: 'measured CPU per handshake, both ends', value: cpuMicros },
    },
    {
      name: 'handshakes over loopback TCP (8 in flight), against the raw-primitive bound',
      value: perSec,
      unit: 'handshakes/s',
      baseline: { name: '1 / raw primitives, one core', value: 1e6 / raw },
    },
  ];
}
