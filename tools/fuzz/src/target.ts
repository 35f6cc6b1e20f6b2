import type fc from 'fast-check';
import { ConnectionError } from '@tezos-p2p/connection';
import { CryptoError, IdentityError } from '@tezos-p2p/crypto';
import { DecodeError, EncodeError } from '@tezos-p2p/encoding';
import { HashFormatError } from '@tezos-p2p/shell';
import { TranscriptError } from '@tezos-p2p/transcript';
import { Base58CheckError, IpParseError, JsonShapeError, PointParseError, TimestampParseError } from '@tezos-p2p/wire';

/**
 * One fuzz target: a fast-check arbitrary of inputs and the code under test. `run` must return or
 * throw one of the project's typed errors (see `isTypedError`); anything else is a finding, and so is
 * an `OracleViolation` the target raises itself (a broken invariant, a hang, a leaked timer).
 */
export interface FuzzTarget<T = unknown> {
  readonly name: string;
  /** One line: what is fed to what. */
  readonly description: string;
  /** Async targets (the handshake) return a promise; the runner awaits each case before the next. */
  readonly async: boolean;
  readonly arbitrary: fc.Arbitrary<T>;
  run(input: T): void | Promise<void>;
  /** A printable form of an input, for finding reports (bytes as hex, truncated). */
  show(input: T): string;
  /**
   * The allocation probe (see allocation.ts): inputs that declare large lengths on few bytes, and how
   * many bytes an input really carries. Targets without length prefixes (text parsers) have none.
   */
  readonly allocation?: AllocationSpec<T> | undefined;
}

export interface AllocationSpec<T> {
  /** Inputs announcing far more bytes than they hold. */
  readonly claims: fc.Arbitrary<T>;
  /** Bytes the input really carries. */
  size(input: T): number;
  /** Bytes the target may hold whatever the input (a documented preallocation); default 0. */
  readonly allowance?: number | undefined;
}

/** A target's own check failed: a broken round trip, a leaked timer or listener, a hang, an allocation. */
export class OracleViolation extends Error {
  override readonly name = 'OracleViolation';
  constructor(
    readonly kind: 'oracle' | 'hang' | 'leak' | 'allocation',
    message: string,
  ) {
    super(message);
  }
}

/** Every error class a decoder, parser or the handshake may throw on hostile input; each has a stable `code`. */
const TYPED_ERRORS: readonly (abstract new (...args: never[]) => Error)[] = [
  DecodeError,
  EncodeError,
  ConnectionError,
  TranscriptError,
  JsonShapeError,
  PointParseError,
  IpParseError,
  Base58CheckError,
  TimestampParseError,
  IdentityError,
  CryptoError,
  HashFormatError,
];

/**
 * Messages V8 gives its own errors. A typed error whose message (or whose cause) is one of these is a
 * crash turned into a typed error by a catch-all wrapper (DecodeError INVALID_VALUE, the handshake's
 * SOCKET_ERROR): still a finding. Only messages no project code uses: "is not defined" (a shell
 * message reports undefined tags that way) and "Unexpected token" (JSON.parse, wrapped on purpose by
 * parseIdentityFile) are left out; ReferenceError and SyntaxError are caught by their class instead.
 */
const ENGINE_MESSAGE =
  /is not a function|Cannot read propert|Cannot set propert|is not iterable|Maximum call stack|Invalid array length|Invalid typed array length|Array buffer allocation failed|out of memory|outside the bounds of the DataView|Offset is outside the bounds|Invalid string length|is not a constructor|Cannot convert|Cannot destructure|Invalid time value|Cannot access '|Do not know how to serialize a BigInt/;

/** Error classes that, even as a cause, only come from a bug (V8's own RangeErrors match ENGINE_MESSAGE). */
const CRASH_ERRORS: readonly (new () => Error)[] = [TypeError, ReferenceError, SyntaxError, EvalError, URIError];

export function isTypedError(e: unknown): e is Error & { readonly code: string } {
  return (
    e instanceof Error && TYPED_ERRORS.some((c) => e instanceof c) && typeof (e as { code?: unknown }).code === 'string'
  );
}

/**
 * Why a thrown value is a finding, or `undefined` when it is an acceptable typed error.
 *
 * The cause chain is followed because every entry point wraps foreign exceptions into its typed error
 * (decode → DecodeError INVALID_VALUE, the handshake → ConnectionError SOCKET_ERROR, decodeTranscript
 * → TRANSCRIPT_INVALID): a TypeError or a V8 RangeError underneath is a crash the wrapper masked. A
 * plain Error cause (a socket's own error) and a library's deliberate RangeError (protobufjs reports
 * truncated input as "index out of range") are expected.
 */
export function untypedReason(e: unknown, depth = 0): string | undefined {
  if (e instanceof OracleViolation) return `${e.kind}: ${e.message}`;
  if (!(e instanceof Error)) return `${depth === 0 ? 'non-Error thrown' : 'non-Error cause'}: ${String(e)}`;
  const typed = isTypedError(e);
  if (ENGINE_MESSAGE.test(e.message)) return `${typed ? 'masked crash' : 'untyped'} ${e.name}: ${e.message}`;
  if (!typed && (depth === 0 || CRASH_ERRORS.some((c) => e instanceof c))) return `untyped ${e.name}: ${e.message}`;
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined && depth < 8) {
    const r = untypedReason(cause, depth + 1);
    if (r !== undefined) return `${e.name}${typed ? ` ${(e as { code: string }).code}` : ''} caused by ${r}`;
  }
  return undefined;
}

/** The outcome label of an accepted failure (`DecodeError:NOT_ENOUGH_DATA`), for statistics. */
export function errorCode(e: unknown): string {
  return isTypedError(e) ? `${e.name}:${e.code}` : e instanceof Error ? e.name : typeof e;
}

export interface Finding {
  readonly target: string;
  readonly reason: string;
  readonly input: string;
  readonly stack?: string | undefined;
  /** The run's seed and the case index: `generateCase(target.arbitrary, seed, index)` rebuilds the input. */
  readonly seed: number;
  readonly index: number;
  /** Set when the input came from `target.allocation.claims` (the allocation probe) instead. */
  readonly claims?: true;
}

/** Hex of the first `max` bytes. */
export function hex(b: Uint8Array, max = 512): string {
  const h = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, max)).toString('hex');
  return b.length > max ? `${h}… (${b.length} bytes)` : h;
}

/** JSON with bytes as hex, for showing structured inputs. */
export function showJson(v: unknown, max = 4000): string {
  const s = JSON.stringify(v, (_k, x: unknown) =>
    x instanceof Uint8Array ? `0x${hex(x, 256)}` : typeof x === 'bigint' ? `${x}n` : x,
  );
  return s === undefined ? String(v) : s.length > max ? `${s.slice(0, max)}…` : s;
}
