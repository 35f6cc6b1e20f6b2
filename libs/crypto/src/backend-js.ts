import { randomFillSync } from 'node:crypto';
import { hash as blake2bHash, BLAKE2b } from '@stablelib/blake2b';
import { equal } from '@stablelib/constant-time';
import { openSecretBox, secretBox } from '@stablelib/nacl';
import { scalarMult, scalarMultBase } from '@stablelib/x25519';
import { hsalsa } from '@stablelib/xsalsa20';
import { type CryptoBackend, checkDigestLength } from './backend.js';
import { CryptoError } from './errors.js';

const ZERO16 = new Uint8Array(16);

function isAllZero(b: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < b.length; i++) acc |= b[i]!;
  return acc === 0;
}

/** Pure JavaScript (@stablelib): runs anywhere, about an order of magnitude slower than libsodium. */
export const jsBackend: CryptoBackend = {
  name: 'js',
  publicKey: (sk) => scalarMultBase(sk),
  precompute(sk, pk) {
    const shared = scalarMult(sk, pk);
    if (isAllZero(shared)) throw new CryptoError('LOW_ORDER_PUBLIC_KEY', 'key agreement produced the all-zero point');
    return hsalsa(shared, ZERO16, new Uint8Array(32));
  },
  sealInto(key, nonce, plain, out, offset) {
    out.set(secretBox(key, nonce, plain), offset);
  },
  open(key, nonce, boxed) {
    return openSecretBox(key, nonce, boxed) ?? undefined;
  },
  openInto(key, nonce, boxed, out) {
    const plain = openSecretBox(key, nonce, boxed);
    if (plain === null) return false;
    out.set(plain);
    return true;
  },
  blake2b(outLength, parts) {
    checkDigestLength(outLength);
    if (parts.length === 1) return blake2bHash(parts[0]!, outLength);
    const h = new BLAKE2b(outLength);
    for (const p of parts) h.update(p);
    return h.digest();
  },
  randomBytes(n) {
    return randomFillSync(new Uint8Array(n));
  },
  equal: (a, b) => a.length === b.length && equal(a, b),
};
