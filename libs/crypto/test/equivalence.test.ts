import fc from 'fast-check';
import { toHex } from '@tezos-p2p/encoding';
import { describe, expect, it } from 'vitest';
import { generateNonces, getCryptoBackend, jsBackend } from '../src/index.js';

const native = getCryptoBackend('native');
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const nonce = fc.uint8Array({ minLength: 24, maxLength: 24 });

function seal(b: typeof native, k: Uint8Array, n: Uint8Array, m: Uint8Array): string {
  const out = new Uint8Array(m.length + 16);
  b.sealInto(k, n, m, out, 0);
  return toHex(out);
}

describe('property: the native and pure-JS backends produce identical bytes', () => {
  it('public keys and precomputed keys', () => {
    fc.assert(
      fc.property(key32, key32, (skA, skB) => {
        const pkA = native.publicKey(skA);
        expect(toHex(jsBackend.publicKey(skA))).toBe(toHex(pkA));
        const pkB = jsBackend.publicKey(skB);
        expect(toHex(jsBackend.precompute(skB, pkA))).toBe(toHex(native.precompute(skB, pkA)));
        expect(toHex(native.precompute(skA, pkB))).toBe(toHex(native.precompute(skB, pkA)));
      }),
      { numRuns: 60 },
    );
  });

  it('seal and open, including a corrupted tag', () => {
    fc.assert(
      fc.property(key32, nonce, fc.uint8Array({ maxLength: 2000 }), fc.nat(), (k, n, m, flip) => {
        const boxed = seal(native, k, n, m);
        expect(seal(jsBackend, k, n, m)).toBe(boxed);
        const bytes = Uint8Array.from(Buffer.from(boxed, 'hex'));
        expect(toHex(jsBackend.open(k, n, bytes)!)).toBe(toHex(m));
        expect(toHex(native.open(k, n, bytes)!)).toBe(toHex(m));
        for (const b of [native, jsBackend]) {
          const out = new Uint8Array(m.length);
          expect(b.openInto(k, n, bytes, out)).toBe(true);
          expect(toHex(out)).toBe(toHex(m));
        }
        bytes[flip % bytes.length]! ^= 0x40;
        expect(native.open(k, n, bytes)).toBeUndefined();
        expect(jsBackend.open(k, n, bytes)).toBeUndefined();
        expect(native.openInto(k, n, bytes, new Uint8Array(m.length))).toBe(false);
        expect(jsBackend.openInto(k, n, bytes, new Uint8Array(m.length))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('blake2b of any length and split, and nonce derivation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 16, max: 64 }),
        fc.boolean(),
        (parts, len, incoming) => {
          expect(toHex(jsBackend.blake2b(len, parts))).toBe(toHex(native.blake2b(len, parts)));
          const [a, b] = [parts[0]!, parts[parts.length - 1]!];
          const x = generateNonces(native, { incoming, sentMessage: a, receivedMessage: b });
          const y = generateNonces(jsBackend, { incoming, sentMessage: a, receivedMessage: b });
          expect(toHex(x.local) + toHex(x.remote)).toBe(toHex(y.local) + toHex(y.remote));
          for (const bad of [0, 15, 65]) {
            expect(() => native.blake2b(bad, parts)).toThrow(/INVALID_DIGEST_LENGTH|\[16, 64\]/);
            expect(() => jsBackend.blake2b(bad, parts)).toThrow(/\[16, 64\]/);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
