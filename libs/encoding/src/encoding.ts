import { DecodeError, EncodeError, describe } from './errors.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * Data_encoding's size classification: a `fixed` value always takes `size` bytes, a `dynamic` one
 * carries its own length, and a `variable` one consumes the rest of its enclosing region (so it
 * may only appear last, or inside a length prefix).
 */
export type SizeClass =
  { readonly kind: 'fixed'; readonly size: number } | { readonly kind: 'dynamic' } | { readonly kind: 'variable' };

export const DYNAMIC: SizeClass = Object.freeze({ kind: 'dynamic' });
export const VARIABLE: SizeClass = Object.freeze({ kind: 'variable' });
export const fixedSize = (size: number): SizeClass => Object.freeze({ kind: 'fixed', size });

/**
 * One description of a binary layout, driving encoding, decoding and exact size computation.
 * Implementations throw `EncodeError` / `DecodeError` only; the top-level functions below wrap
 * anything else.
 */
export interface Encoding<T> {
  readonly sizeClass: SizeClass;
  /** Human name used in error paths and documentation. */
  readonly title: string;
  /** Exact number of bytes `write` produces for `value`. */
  sizeOf(value: T): number;
  write(w: Writer, value: T): void;
  read(r: Reader): T;
}

/** The value type described by an encoding. */
export type Decoded<E> = E extends Encoding<infer T> ? T : never;

export type DecodeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: DecodeError };

/** Serialise `value`. Throws `EncodeError`. */
export function encode<T>(enc: Encoding<T>, value: T): Uint8Array {
  const w = new Writer(enc.sizeClass.kind === 'fixed' ? enc.sizeClass.size : 256);
  try {
    enc.write(w, value);
  } catch (e) {
    throw e instanceof EncodeError ? e : new EncodeError('INVALID_VALUE', describe(e));
  }
  return w.finish();
}

/** Exact encoded size of `value`. Throws `EncodeError` when the value cannot be encoded. */
export function sizeOf<T>(enc: Encoding<T>, value: T): number {
  if (enc.sizeClass.kind === 'fixed') return enc.sizeClass.size;
  try {
    return enc.sizeOf(value);
  } catch (e) {
    throw e instanceof EncodeError ? e : new EncodeError('INVALID_VALUE', describe(e));
  }
}

/**
 * Decode exactly `bytes` (trailing bytes are EXTRA_BYTES). Throws `DecodeError` and nothing else.
 * Decoded byte fields are views into `bytes`, not copies.
 */
export function decode<T>(enc: Encoding<T>, bytes: Uint8Array): T {
  const r = new Reader(bytes);
  let v: T;
  try {
    v = enc.read(r);
  } catch (e) {
    throw toDecodeError(e, r.pos);
  }
  if (r.pos !== bytes.length) throw new DecodeError('EXTRA_BYTES', r.pos, `${bytes.length - r.pos} trailing byte(s)`);
  return v;
}

/** `decode` returning a result instead of throwing. */
export function tryDecode<T>(enc: Encoding<T>, bytes: Uint8Array): DecodeResult<T> {
  try {
    return { ok: true, value: decode(enc, bytes) };
  } catch (e) {
    return { ok: false, error: e as DecodeError };
  }
}

/** Decode one value from the start of `bytes`; returns it and the number of bytes read. */
export function decodePrefix<T>(enc: Encoding<T>, bytes: Uint8Array): { value: T; read: number } {
  const r = new Reader(bytes);
  try {
    return { value: enc.read(r), read: r.pos };
  } catch (e) {
    throw toDecodeError(e, r.pos);
  }
}

function toDecodeError(e: unknown, offset: number): DecodeError {
  if (e instanceof DecodeError) return e;
  // A stack overflow or a bug in a user conversion must still surface as a typed decode failure.
  return new DecodeError('INVALID_VALUE', offset, describe(e));
}
