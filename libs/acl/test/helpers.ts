import { type Rng, seededRng } from '@tezos-p2p/events';
import { getCryptoBackend } from '@tezos-p2p/crypto';
import { type PeerId, displayIp, ipToBytes, peerIdFromBytes } from '@tezos-p2p/wire';

export const backend = getCryptoBackend();

/**
 * Bits [ofs, ofs + width) of a byte string read the way the spec states it, independently of the lib:
 * the whole string as one little-endian integer, so bit k is bit (k mod 8) of byte k/8.
 */
export function fieldLE(bytes: Uint8Array, ofs: number, width: number): number {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return Number((n >> BigInt(ofs)) & ((1n << BigInt(width)) - 1n));
}

/** The 5 cells Octez's ACL uses for an address with a filter of 2^indexBits cells. */
export function expectedCells(ip: string, indexBits: number): number[] {
  const digest = backend.blake2b(32, [ipToBytes(ip)]);
  return [0, 1, 2, 3, 4].map((i) => fieldLE(digest, indexBits * i, indexBits));
}

export function randomBytes(rng: Rng, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rng.next() * 256);
  return b;
}

/** Distinct random addresses (a mix of IPv4 and IPv6), reproducible from the seed. */
export function randomIps(seed: number, count: number, exclude: ReadonlySet<string> = new Set()): string[] {
  const rng = seededRng(seed);
  const out = new Set<string>();
  while (out.size < count) {
    const b = randomBytes(rng, 16);
    if (rng.next() < 0.5) {
      b.fill(0, 0, 10);
      b[10] = 0xff;
      b[11] = 0xff;
    }
    const ip = displayIp(b);
    if (!exclude.has(ip)) out.add(ip);
  }
  return [...out];
}

export function peer(n: number): PeerId {
  const b = new Uint8Array(16);
  new DataView(b.buffer).setUint32(12, n);
  return peerIdFromBytes(b);
}
