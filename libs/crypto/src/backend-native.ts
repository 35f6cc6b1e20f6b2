import { createRequire } from 'node:module';
import { hsalsa } from '@stablelib/xsalsa20';
import { type CryptoBackend, checkDigestLength } from './backend.js';
import { CryptoError } from './errors.js';
import { type NativeSecretbox, nativeSecretbox } from './secretbox-native.js';

/** The subset of sodium-native we call. */
interface Sodium {
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void;
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void;
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
  crypto_generichash(out: Uint8Array, input: Uint8Array, key?: Uint8Array): void;
  crypto_generichash_batch(out: Uint8Array, inputs: Uint8Array[], key?: Uint8Array): void;
  randombytes_buf(b: Uint8Array): void;
  sodium_memcmp(a: Uint8Array, b: Uint8Array): boolean;
}

const ZERO16 = new Uint8Array(16);
let loaded: Sodium | undefined;
let loadError: unknown;

/** Load sodium-native once; `undefined` when it is not available on this platform. */
export function loadSodium(): Sodium | undefined {
  if (loaded || loadError) return loaded;
  try {
    loaded = createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch (e) {
    loadError = e;
  }
  return loaded;
}

export function sodiumLoadError(): unknown {
  return loadError;
}

/**
 * libsodium through sodium-native. It has no `crypto_box_beforenm` binding, so precompute is native
 * X25519 followed by HSalsa20 in JS (once per connection).
 */
export function createNativeBackend(): CryptoBackend {
  const s = loadSodium();
  if (!s)
    throw new CryptoError('BACKEND_UNAVAILABLE', 'sodium-native could not be loaded', { cause: sodiumLoadError() });
  // The X25519 point before HSalsa20, reused by every key agreement (calls are synchronous) and wiped
  // after each: one allocation less per handshake, and no copy of a shared secret left to the GC.
  const shared = new Uint8Array(32);
  const box = nativeSecretbox() ?? wrappedSecretbox(s);
  return {
    name: 'native',
    publicKey(sk) {
      const pk = new Uint8Array(32);
      s.crypto_scalarmult_base(pk, sk);
      return pk;
    },
    precompute(sk, pk) {
      try {
        s.crypto_scalarmult(shared, sk, pk);
      } catch (e) {
        // libsodium refuses an all-zero result (low-order point).
        throw new CryptoError('LOW_ORDER_PUBLIC_KEY', 'key agreement produced the all-zero point', { cause: e });
      }
      try {
        return hsalsa(shared, ZERO16, new Uint8Array(32));
      } finally {
        shared.fill(0);
      }
    },
    sealInto: box.sealInto,
    open(key, nonce, boxed) {
      if (boxed.length < 16) return undefined;
      const m = new Uint8Array(boxed.length - 16);
      return box.openInto(key, nonce, boxed, m) ? m : undefined;
    },
    openInto: box.openInto,
    blake2b(outLength, parts) {
      checkDigestLength(outLength);
      const out = new Uint8Array(outLength);
      if (parts.length === 1) s.crypto_generichash(out, parts[0]!);
      else s.crypto_generichash_batch(out, [...parts]);
      return out;
    },
    randomBytes(n) {
      const b = new Uint8Array(n);
      s.randombytes_buf(b);
      return b;
    },
    equal: (a, b) => a.length === b.length && s.sodium_memcmp(a, b),
  };
}

/** Through sodium-native's checked wrappers: for a sodium-native whose addon is laid out differently. */
function wrappedSecretbox(s: Sodium): NativeSecretbox {
  return {
    sealInto(key, nonce, plain, out, offset) {
      s.crypto_secretbox_easy(out.subarray(offset, offset + 16 + plain.length), plain, nonce, key);
    },
    openInto(key, nonce, boxed, out) {
      if (boxed.length < 16 || out.length !== boxed.length - 16) return false;
      return s.crypto_secretbox_open_easy(out, boxed, nonce, key);
    },
  };
}
