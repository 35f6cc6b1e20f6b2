import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import {
  type CryptoBackend,
  expectedAttempts,
  generateIdentity,
  getCryptoBackend,
  jsBackend,
  searchProofOfWork,
} from '@tezos-p2p/crypto';
import { consume, measureSync } from '../harness.js';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';

interface RawSodium {
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
  crypto_generichash(out: Uint8Array, input: Uint8Array): void;
}
const sodium = createRequire(import.meta.url)('sodium-native') as RawSodium;

const key = new Uint8Array(32).fill(9);
const nonce = new Uint8Array(24).fill(1);

function rawSealRate(size: number): number {
  const m = new Uint8Array(size).fill(5);
  const c = new Uint8Array(size + 16);
  return measureSync(() => sodium.crypto_secretbox_easy(c, m, nonce, key)).opsPerSec;
}

function rawOpenRate(size: number): number {
  const m = new Uint8Array(size).fill(5);
  const c = new Uint8Array(size + 16);
  sodium.crypto_secretbox_easy(c, m, nonce, key);
  const out = new Uint8Array(size);
  return measureSync(() => consume(sodium.crypto_secretbox_open_easy(out, c, nonce, key))).opsPerSec;
}

function sealFigures(b: CryptoBackend, size: number, label: string, raw: { seal: number; open: number }): Figure[] {
  const m = new Uint8Array(size).fill(5);
  const out = new Uint8Array(size + 16);
  const seal = measureSync(() => b.sealInto(key, nonce, m, out, 0)).opsPerSec;
  const open = measureSync(() => consume(b.open(key, nonce, out))).opsPerSec;
  const mb = (ops: number) => (ops * size) / 1e6;
  const native = b.name === 'native' && size >= 65536;
  return [
    {
      name: `${b.name}: seal ${label}`,
      value: mb(seal),
      unit: 'MB/s',
      baseline: { name: 'raw sodium secretbox', value: mb(raw.seal) },
      ...(native ? { target: { min: 0.9, description: '≥ 90 % of raw secretbox' } } : {}),
    },
    {
      name: `${b.name}: open ${label}`,
      value: mb(open),
      unit: 'MB/s',
      baseline: { name: 'raw sodium secretbox_open', value: mb(raw.open) },
    },
    ...(size < 1024 ? [{ name: `${b.name}: seal ${label}`, value: seal, unit: 'chunks/s' }] : []),
  ];
}

async function powRate(workers: number, seconds: number, backend: 'native' | 'js'): Promise<number> {
  const pk = getCryptoBackend(backend).publicKey(new Uint8Array(32).fill(1));
  let rate = 0;
  const ac = new AbortController();
  setTimeout(() => ac.abort(), seconds * 1000);
  try {
    await searchProofOfWork(pk, {
      difficulty: 256,
      workers,
      backend,
      signal: ac.signal,
      progressIntervalMs: 0,
      onProgress: (p) => (rate = p.attempts / p.elapsedSeconds),
    });
  } catch {
    // aborted, as intended
  }
  return rate;
}

export const cryptoSuite: Suite = {
  name: 'crypto',
  title: 'Crypto backends: crypto_box, key agreement, proof of work',
  async run() {
    const native = getCryptoBackend('native');
    const cores = availableParallelism();
    const figures: Figure[] = [];
    for (const [size, label] of [
      [65536, '64 KiB'],
      [100, '100 B'],
    ] as const) {
      const raw = { seal: rawSealRate(size), open: rawOpenRate(size) };
      figures.push(...sealFigures(native, size, label, raw), ...sealFigures(jsBackend, size, label, raw));
    }
    for (const b of [native, jsBackend]) {
      const sk = new Uint8Array(32).fill(7);
      const pk = b.publicKey(new Uint8Array(32).fill(8));
      figures.push({
        name: `${b.name}: key agreements (X25519 + HSalsa20)`,
        value: measureSync(() => consume(b.precompute(sk, pk))).opsPerSec,
        unit: 'ops/s',
      });
    }
    const input = new Uint8Array(56).fill(3);
    const out = new Uint8Array(32);
    const rawHash = measureSync(() => sodium.crypto_generichash(out, input)).opsPerSec;
    for (const backend of ['native', 'js'] as const) {
      const one = await powRate(1, 3, backend);
      const all = await powRate(cores, 3, backend);
      figures.push(
        {
          name: `${backend}: PoW hashes, 1 worker`,
          value: one,
          unit: 'hash/s',
          baseline: { name: 'raw crypto_generichash, 1 thread', value: rawHash },
        },
        {
          name: `${backend}: PoW hashes, ${cores} workers`,
          value: all,
          unit: 'hash/s',
          baseline: { name: `raw crypto_generichash × ${cores}`, value: rawHash * cores },
          ...(backend === 'native' ? { target: { min: 0.85, description: '≥ 85 % of raw × cores' } } : {}),
        },
      );
    }
    const t0 = performance.now();
    await generateIdentity({ difficulty: 24, backend: 'native' });
    const seconds = (performance.now() - t0) / 1000;
    const allRate = figures.find((f) => f.name === `native: PoW hashes, ${cores} workers`)!.value;
    figures.push({
      name: 'native: generate a difficulty-24 identity',
      value: seconds,
      unit: 's',
      baseline: { name: 'expected: 2^24 / measured rate', value: expectedAttempts(24) / allRate },
    });
    return {
      figures,
      notes: [
        `${cores} cores. The proof-of-work search is memoryless, so one identity's time varies widely around the expected value (2^24 attempts on average).`,
        'sodium-native has no crypto_box_beforenm binding: key agreement is native X25519 followed by HSalsa20 in JavaScript.',
      ],
    };
  },
};
