import fc from 'fast-check';
import {
  DecodeError,
  EncodeError,
  type Encoding,
  bytesEqual,
  decodePrefix,
  encode,
  tryDecode,
} from '@tezos-p2p/encoding';
import { hugeClaims } from './claims.js';
import { bytesInput } from './mutate.js';
import { pooled } from './pool.js';
import { type FuzzTarget, OracleViolation, hex } from './target.js';

export interface DecoderTargetOptions<V> {
  readonly name: string;
  readonly description: string;
  readonly encoding: Encoding<V>;
  /** Valid values: their encodings are fed as they are and mutated. */
  readonly valid: fc.Arbitrary<V>;
  readonly fixtures?: readonly Uint8Array[];
  /**
   * What a successful decode must satisfy when re-encoded: `exact` (the same bytes), `exact-or-refused`
   * (the same bytes, or an EncodeError for values the reader accepts but the writer refuses, like
   * uint30 above 2^30 − 1), or `stable` for canonicalising decoders (points): the value re-encodes,
   * and that encoding decodes and re-encodes to itself.
   */
  readonly roundTrip: 'exact' | 'exact-or-refused' | 'stable';
  readonly maxGarbage?: number;
}

/**
 * A target for one `Encoding`: `tryDecode`, `decodePrefix` and the round trip. The entry points must
 * agree (a value from `tryDecode` means `decodePrefix` reads every byte) and fail only with DecodeError.
 */
export function decoderTarget<V>(o: DecoderTargetOptions<V>): FuzzTarget<Uint8Array> {
  const enc = o.encoding;
  const valid = o.valid.map((v) => encode(enc, v));
  const fixtures = o.fixtures ?? [];
  return {
    name: o.name,
    description: o.description,
    async: false,
    arbitrary: bytesInput(valid, fixtures, o.maxGarbage),
    allocation: {
      claims: hugeClaims(
        fixtures.length > 0 ? fc.oneof(pooled(valid, 128), fc.constantFrom(...fixtures)) : pooled(valid, 128),
      ),
      size: (b) => b.length,
    },
    run(bytes) {
      const r = tryDecode(enc, bytes);
      let prefix: { value: V; read: number } | undefined;
      try {
        prefix = decodePrefix(enc, bytes);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        if (r.ok)
          throw new OracleViolation('oracle', `decode accepted the input but decodePrefix failed: ${e.message}`);
      }
      // tryDecode types its error as DecodeError: whatever it really is, the harness classifies it.
      if (!r.ok) throw r.error;
      if (prefix === undefined || prefix.read !== bytes.length)
        throw new OracleViolation('oracle', `decode accepted ${bytes.length} bytes, decodePrefix read ${prefix?.read}`);
      let again: Uint8Array;
      try {
        again = encode(enc, r.value);
      } catch (e) {
        if (o.roundTrip === 'exact-or-refused' && e instanceof EncodeError) return;
        throw new OracleViolation('oracle', `a decoded value does not re-encode: ${(e as Error).message}`);
      }
      if (o.roundTrip === 'stable') {
        const canonical = tryDecode(enc, again);
        if (!canonical.ok)
          throw new OracleViolation(
            'oracle',
            `the re-encoding of a decoded value does not decode: ${canonical.error.message}`,
          );
        const twice = encode(enc, canonical.value);
        if (!bytesEqual(twice, again))
          throw new OracleViolation('oracle', `re-encoding is not stable: ${hex(again, 128)} then ${hex(twice, 128)}`);
      } else if (!bytesEqual(again, bytes))
        throw new OracleViolation('oracle', `decoded value re-encodes differently: ${hex(again, 128)}`);
    },
    show: (b) => hex(b),
  };
}
