import fc from 'fast-check';

/**
 * `size` values of `arb` drawn once (with a fixed seed, so runs stay reproducible), then picked at
 * random. Building a structured value (a block header, a peers.json document, a consistent identity
 * with its derived public key) costs far more than decoding or mutating it; a pool pays that once, and
 * the mutations applied on top keep the inputs diverse. Values are shared between cases: targets and
 * mutations must not modify them in place (mutations copy).
 */
export function pooled<T>(arb: fc.Arbitrary<T>, size = 512, seed = 0x5eed): fc.Arbitrary<T> {
  const values = fc.sample(arb, { seed, numRuns: size });
  return fc.constantFrom(...values);
}

/** Mostly pooled values, sometimes a fresh one (1 in `freshEvery`), so long runs still meet new values. */
export function mostlyPooled<T>(arb: fc.Arbitrary<T>, size = 512, freshEvery = 8): fc.Arbitrary<T> {
  return fc.oneof({ weight: freshEvery - 1, arbitrary: pooled(arb, size) }, { weight: 1, arbitrary: arb });
}
