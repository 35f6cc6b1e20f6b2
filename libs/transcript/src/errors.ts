import { CodedErrorOf } from '@tezos-p2p/encoding';
export type TranscriptErrorCode =
  /** Not a transcript: undecodable protobuf, or a required field missing or out of shape. */
  | 'TRANSCRIPT_INVALID'
  /** A `format_version` this reader does not know. */
  | 'TRANSCRIPT_VERSION'
  /** The file could not be read or written. */
  | 'TRANSCRIPT_IO'
  /** A streaming writer fell too far behind its disk and stopped recording (see `TranscriptWriter`). */
  | 'TRANSCRIPT_OVERFLOW';

export class TranscriptError extends CodedErrorOf<TranscriptErrorCode> {
  override readonly name = 'TranscriptError';
}
