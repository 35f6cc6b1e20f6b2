/**
 * Octez `Bits.numbits` (src/lib_stdlib/bits.ml): the number of bits needed to write a non-negative
 * integer, 0 for 0. It sizes the IP greylist filter: `index_bits = numbits(ip_size_in_kB × 2048)`.
 */
export function numbits(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`numbits: expected a non-negative safe integer, got ${n}`);
  let bits = 0;
  // Math.clz32 only covers 32 bits; sizes here are far below, but stay exact for any safe integer.
  while (n >= 0x1_0000_0000) {
    n = Math.floor(n / 0x1_0000_0000);
    bits += 32;
  }
  return bits + 32 - Math.clz32(n);
}
