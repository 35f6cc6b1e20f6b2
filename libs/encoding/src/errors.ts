/**
 * Typed failures of the codec. Every error carries a stable `code`, the byte offset where the
 * problem was detected and the path of field names / list indexes / union cases leading to it,
 * so a bad message from the network can be reported precisely without leaking an exception type.
 */
import { CodedError } from './coded-error.js';

export type DecodeErrorCode =
  /** The input ended (or a length prefix points) beyond the bytes available. */
  | 'NOT_ENOUGH_DATA'
  /** A length-delimited region was not fully consumed by its contents. */
  | 'EXTRA_BYTES'
  /** A `check_size` limit (or a frame size cap) was exceeded. */
  | 'SIZE_LIMIT_EXCEEDED'
  /** A boolean byte other than 0x00 or 0xff. */
  | 'INVALID_BOOL'
  /** An integer outside the range of its encoding (int31, uint30, ranged ints). */
  | 'INVALID_INT'
  /** A union tag that no case uses. */
  | 'UNEXPECTED_TAG'
  /** A list with more elements than its `maxLength`. */
  | 'LIST_TOO_LONG'
  /** A string that is not valid UTF-8. */
  | 'INVALID_UTF8'
  /** A user conversion (for example parsing a point string) rejected the decoded value. */
  | 'INVALID_VALUE';

export type EncodeErrorCode =
  | 'INT_OUT_OF_RANGE'
  | 'INVALID_BYTES_LENGTH'
  | 'SIZE_LIMIT_EXCEEDED'
  | 'LIST_TOO_LONG'
  | 'NO_CASE_MATCHED'
  | 'INVALID_VALUE';

export type PathSegment = string | number;

function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '<root>';
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
}

export class DecodeError extends CodedError<DecodeErrorCode> {
  override readonly name = 'DecodeError';
  readonly code: DecodeErrorCode;
  /** Byte offset in the decoded buffer where the failure was detected. */
  readonly offset: number;
  /** Outermost first. */
  readonly path: PathSegment[];
  readonly detail: string;

  constructor(code: DecodeErrorCode, offset: number, detail: string, path: PathSegment[] = []) {
    super(`${code} at byte ${offset} (${formatPath(path)}): ${detail}`);
    this.code = code;
    this.offset = offset;
    this.path = path;
    this.detail = detail;
  }

  /** A copy of this error located one level deeper in the value tree. */
  withParent(segment: PathSegment): DecodeError {
    return new DecodeError(this.code, this.offset, this.detail, [segment, ...this.path]);
  }
}

export class EncodeError extends CodedError<EncodeErrorCode> {
  override readonly name = 'EncodeError';
  readonly code: EncodeErrorCode;
  readonly path: PathSegment[];
  readonly detail: string;

  constructor(code: EncodeErrorCode, detail: string, path: PathSegment[] = []) {
    super(`${code} (${formatPath(path)}): ${detail}`);
    this.code = code;
    this.path = path;
    this.detail = detail;
  }

  withParent(segment: PathSegment): EncodeError {
    return new EncodeError(this.code, this.detail, [segment, ...this.path]);
  }
}

/** A programming error in an encoding description (e.g. a variable-size field that is not last). */
export class EncodingDefinitionError extends CodedError<'INVALID_ENCODING_DEFINITION'> {
  override readonly name = 'EncodingDefinitionError';
  readonly code = 'INVALID_ENCODING_DEFINITION' as const;
}

/** Re-raise `e` with `segment` prepended to its path; foreign exceptions become INVALID_VALUE. */
export function decodeErrorAt(e: unknown, segment: PathSegment, offset: number): DecodeError {
  if (e instanceof DecodeError) return e.withParent(segment);
  return new DecodeError('INVALID_VALUE', offset, describe(e), [segment]);
}

export function encodeErrorAt(e: unknown, segment: PathSegment): EncodeError {
  if (e instanceof EncodeError) return e.withParent(segment);
  return new EncodeError('INVALID_VALUE', describe(e), [segment]);
}

export function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
