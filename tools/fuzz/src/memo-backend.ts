import type { CryptoBackend } from '@tezos-p2p/crypto';

/**
 * The process's crypto backend with `precompute` (an X25519 scalar multiplication, by far the
 * costliest step of a handshake) remembered per key pair. Handshake cases meet a handful of fixed
 * identities, so nearly every case reuses a shared key; a mutated public key still goes to the real
 * backend (and its low-order check), and the table is bounded so hostile keys cannot grow it.
 */
export function memoizedBackend(inner: CryptoBackend, maxEntries = 256): CryptoBackend {
  const keys = new Map<string, Uint8Array>();
  const hexOf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  return {
    name: inner.name,
    publicKey: (sk) => inner.publicKey(sk),
    precompute(sk, pk) {
      const id = hexOf(sk) + hexOf(pk);
      const known = keys.get(id);
      if (known !== undefined) return Uint8Array.from(known);
      const key = inner.precompute(sk, pk);
      if (keys.size >= maxEntries) keys.clear();
      keys.set(id, Uint8Array.from(key));
      return key;
    },
    sealInto: (key, nonce, plain, out, offset) => inner.sealInto(key, nonce, plain, out, offset),
    open: (key, nonce, boxed) => inner.open(key, nonce, boxed),
    openInto: (key, nonce, boxed, out) => inner.openInto(key, nonce, boxed, out),
    blake2b: (n, parts) => inner.blake2b(n, parts),
    randomBytes: (n) => inner.randomBytes(n),
    equal: (a, b) => inner.equal(a, b),
  };
}
