import { createRequire } from 'node:module';
import { CryptoError } from './errors.js';

const KEY = 32;
const NONCE = 24;
const TAG = 16;

/** The two secretbox entry points of sodium-native's compiled addon (same arguments as its wrappers). */
interface SecretboxBinding {
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): number;
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
}

/**
 * Chunk sealing and opening straight on sodium-native's addon rather than its `index.js` wrappers: the
 * wrappers run nine `assert`s per call (~8 % of a 100-byte seal), and the detached variants they
 * were used through needed two views per chunk. The addon's own C `assert`s are compiled out of its
 * prebuilds, so the lengths libsodium relies on are checked here: a wrong one would be an
 * out-of-bounds write, not an error. `[tag][ciphertext]` is libsodium's "easy" layout, as Octez's.
 */
export interface NativeSecretbox {
  /** Seals `plain` as `tag ‖ ciphertext` into `out` at `offset`. */
  sealInto(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array, out: Uint8Array, offset: number): void;
  /** Opens `boxed` into `out` (exactly `boxed.length − 16` bytes, else false). */
  openInto(key: Uint8Array, nonce: Uint8Array, boxed: Uint8Array, out: Uint8Array): boolean;
}

function checkKeyAndNonce(key: Uint8Array, nonce: Uint8Array): void {
  if (key.byteLength !== KEY)
    throw new CryptoError('INVALID_KEY_LENGTH', `a key is ${KEY} bytes, got ${key.byteLength}`);
  if (nonce.byteLength !== NONCE)
    throw new CryptoError('INVALID_NONCE_LENGTH', `a nonce is ${NONCE} bytes, got ${nonce.byteLength}`);
}

/** `undefined` when the addon cannot be loaded on its own or lacks these functions (another sodium-native layout). */
export function nativeSecretbox(): NativeSecretbox | undefined {
  let b: Partial<SecretboxBinding>;
  try {
    b = createRequire(import.meta.url)('sodium-native/binding.js') as Partial<SecretboxBinding>;
  } catch {
    return undefined;
  }
  const seal = b.crypto_secretbox_easy;
  const open = b.crypto_secretbox_open_easy;
  if (typeof seal !== 'function' || typeof open !== 'function') return undefined;
  return {
    sealInto(key, nonce, plain, out, offset) {
      checkKeyAndNonce(key, nonce);
      const c = out.subarray(offset, offset + TAG + plain.byteLength);
      if (offset < 0 || c.byteLength !== TAG + plain.byteLength)
        throw new CryptoError(
          'INVALID_OUTPUT_LENGTH',
          `${plain.byteLength} + ${TAG} bytes do not fit at ${offset} of a ${out.byteLength}-byte buffer`,
        );
      seal(c, plain, nonce, key);
    },
    openInto(key, nonce, boxed, out) {
      checkKeyAndNonce(key, nonce);
      if (boxed.byteLength < TAG || out.byteLength !== boxed.byteLength - TAG) return false;
      return open(out, boxed, nonce, key);
    },
  };
}
