import fc from 'fast-check';

/**
 * Inputs that announce far more than they carry, for the allocation probe: a valid encoding with a
 * large length written over some position (a 4-byte uint30 / int32 near 2^30 or 2^31, a 2-byte 0xffff,
 * a 1-byte 0xff, or a protobuf varint near 2^31), cut a few bytes after it. A decoder that reserves the
 * announced size before checking what is left allocates megabytes to gigabytes here; one that checks
 * first allocates nothing.
 */

const WIDE = [0x3fffffff, 0x3ffffffe, 0x7fffffff, 100 * 2 ** 20 - 4, 16 * 2 ** 20, 0x1000000];

type Claim =
  { readonly width: 1 | 2 | 4; readonly value: number } | { readonly width: 'varint'; readonly value: number };

const claim: fc.Arbitrary<Claim> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WIDE).map((value) => ({ width: 4 as const, value })) },
  { weight: 1, arbitrary: fc.constant({ width: 2 as const, value: 0xffff }) },
  { weight: 1, arbitrary: fc.constant({ width: 1 as const, value: 0xff }) },
);

const varintClaim: fc.Arbitrary<Claim> = fc
  .constantFrom(0x7fffffff, 0x40000000, 100 * 2 ** 20)
  .map((value) => ({ width: 'varint' as const, value }));

function varint(v: number): number[] {
  const out: number[] = [];
  for (let x = v; ; x = Math.floor(x / 128)) {
    if (x < 128) {
      out.push(x);
      return out;
    }
    out.push((x % 128) | 0x80);
  }
}

function apply(b: Uint8Array, at: number, c: Claim, keep: number): Uint8Array {
  if (c.width === 'varint') {
    const pos = at % (b.length + 1);
    const v = varint(c.value);
    return Uint8Array.from([...b.subarray(0, pos), ...v, ...b.subarray(pos, pos + keep)]);
  }
  if (b.length < c.width) return b;
  const pos = at % (b.length - c.width + 1);
  const out = b.slice(0, Math.min(b.length, pos + c.width + keep));
  for (let i = 0; i < c.width; i++) out[pos + i] = Math.floor(c.value / 2 ** (8 * (c.width - 1 - i))) & 0xff;
  return out;
}

/** `valid` encodings with one large length claim each, a few bytes kept after it. */
export function hugeClaims(
  valid: fc.Arbitrary<Uint8Array>,
  opts: { varints?: boolean } = {},
): fc.Arbitrary<Uint8Array> {
  const c = opts.varints ? fc.oneof(claim, varintClaim) : claim;
  return fc.tuple(valid, fc.nat(), c, fc.nat(12)).map(([b, at, cl, keep]) => apply(b, at, cl, keep));
}
