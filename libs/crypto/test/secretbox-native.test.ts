import { describe, expect, it } from 'vitest';
import { getCryptoBackend, jsBackend } from '../src/index.js';

const native = getCryptoBackend('native');
const key = new Uint8Array(32).fill(7);
const nonce = new Uint8Array(24).fill(3);

// The native backend calls sodium-native's addon, whose C asserts are compiled out: a length libsodium
// relies on that is not checked here would be an out-of-bounds write instead of an error.
describe('native secretbox: lengths are checked before libsodium sees them', () => {
  it('refuses a short key or nonce', () => {
    const out = new Uint8Array(116);
    expect(() => native.sealInto(key.subarray(1), nonce, new Uint8Array(100), out, 0)).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY_LENGTH' }),
    );
    expect(() => native.sealInto(key, nonce.subarray(1), new Uint8Array(100), out, 0)).toThrow(
      expect.objectContaining({ code: 'INVALID_NONCE_LENGTH' }),
    );
    expect(() => native.openInto(key, new Uint8Array(25), out, new Uint8Array(100))).toThrow(
      expect.objectContaining({ code: 'INVALID_NONCE_LENGTH' }),
    );
  });

  it('refuses an output that the box would overrun, at any offset', () => {
    for (const [size, offset] of [
      [115, 0],
      [116, 1],
      [200, 85],
      [200, -116],
    ] as const) {
      const out = new Uint8Array(size);
      expect(() => native.sealInto(key, nonce, new Uint8Array(100), out, offset)).toThrow(
        expect.objectContaining({ code: 'INVALID_OUTPUT_LENGTH' }),
      );
      expect(out.every((b) => b === 0)).toBe(true);
    }
  });

  it('seals at an offset as the JS backend does, and opens only into an exact output', () => {
    const plain = Uint8Array.from({ length: 100 }, (_, i) => i);
    const a = new Uint8Array(130);
    const b = new Uint8Array(130);
    native.sealInto(key, nonce, plain, a, 7);
    jsBackend.sealInto(key, nonce, plain, b, 7);
    expect(a).toEqual(b);
    const boxed = a.subarray(7, 123);
    expect(native.openInto(key, nonce, boxed, new Uint8Array(99))).toBe(false);
    expect(native.openInto(key, nonce, boxed.subarray(0, 15), new Uint8Array(0))).toBe(false);
    const out = new Uint8Array(100);
    expect(native.openInto(key, nonce, boxed, out)).toBe(true);
    expect(out).toEqual(plain);
  });
});
