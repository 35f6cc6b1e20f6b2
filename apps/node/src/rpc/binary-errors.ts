import { DecodeError, EncodeError } from '@tezos-p2p/encoding';

/**
 * The `error` field of Octez's `decoding_error` / `encoding_error` (`src/lib_base/data_encoding_wrapper.ml`):
 * `Binary.read_error_encoding` / `write_error_encoding`, a union whose JSON carries no tag. The cases
 * without payload print `{}`; where we do not keep the payload Octez would print (an integer's bounds,
 * a tag), or where Octez has no such case (UTF-8, booleans, conversions), the union's string case
 * (`Exception_raised_in_user_function`) carries our message, so the trace still decodes.
 */
const EMPTY_READ_CASES: ReadonlySet<DecodeError['code']> = new Set([
  'NOT_ENOUGH_DATA',
  'EXTRA_BYTES',
  'SIZE_LIMIT_EXCEEDED',
  'LIST_TOO_LONG',
]);
const EMPTY_WRITE_CASES: ReadonlySet<EncodeError['code']> = new Set([
  'SIZE_LIMIT_EXCEEDED',
  'NO_CASE_MATCHED',
  'LIST_TOO_LONG',
]);

/** The first error of `kind` along the `cause` chain. */
function causeOf<T>(e: unknown, kind: abstract new (...args: never[]) => T): T | undefined {
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 8; c = c.cause, depth++) {
    if (c instanceof kind) return c;
  }
  return undefined;
}

export function readErrorJson(e: Error): unknown {
  const d = causeOf(e, DecodeError);
  if (d === undefined) return e.message;
  return EMPTY_READ_CASES.has(d.code) ? {} : d.message;
}

export function writeErrorJson(e: Error): unknown {
  const w = causeOf(e, EncodeError);
  if (w === undefined) return e.message;
  return EMPTY_WRITE_CASES.has(w.code) ? {} : w.message;
}
