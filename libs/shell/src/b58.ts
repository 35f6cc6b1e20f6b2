import { CodedError } from '@tezos-p2p/encoding';
import { b58checkDecode, b58checkEncode } from '@tezos-p2p/wire';
import { CHAIN_ID_SIZE, HASH_SIZE } from './bounds.js';

/** The hashes a shell message can name, with their Base58Check prefixes (`Base58.Prefix`). */
export type B58Kind =
  'chainId' | 'block' | 'operation' | 'operationList' | 'operationListList' | 'protocol' | 'context';

export interface B58Prefix {
  readonly prefix: Uint8Array;
  readonly size: number;
  /** What every encoded string starts with. */
  readonly starts: string;
}

const p = (bytes: number[], size: number, starts: string): B58Prefix =>
  Object.freeze({ prefix: Uint8Array.from(bytes), size, starts });

// The prefix bytes are Octez's octal-looking OCaml escapes, which are decimal: "\001\052" = [1, 52].
export const B58_PREFIXES: Readonly<Record<B58Kind, B58Prefix>> = Object.freeze({
  chainId: p([87, 82, 0], CHAIN_ID_SIZE, 'Net'),
  block: p([1, 52], HASH_SIZE, 'B'),
  operation: p([5, 116], HASH_SIZE, 'o'),
  operationList: p([133, 233], HASH_SIZE, 'Lo'),
  operationListList: p([29, 159, 109], HASH_SIZE, 'LLo'),
  protocol: p([2, 170], HASH_SIZE, 'P'),
  context: p([79, 199], HASH_SIZE, 'Co'),
});

/** A hash or chain id that cannot be named: wrong length, bad Base58Check, or another kind's prefix. */
export class HashFormatError extends CodedError<'INVALID_HASH'> {
  override readonly name = 'HashFormatError';
  readonly code = 'INVALID_HASH' as const;
}

export function toB58Check(kind: B58Kind, bytes: Uint8Array): string {
  const { prefix, size } = B58_PREFIXES[kind];
  if (!(bytes instanceof Uint8Array) || bytes.length !== size) {
    throw new HashFormatError(
      `${kind}: expected ${size} bytes, got ${bytes instanceof Uint8Array ? bytes.length : typeof bytes}`,
    );
  }
  return b58checkEncode(prefix, bytes);
}

export function fromB58Check(kind: B58Kind, text: string): Uint8Array {
  const { prefix, size } = B58_PREFIXES[kind];
  try {
    // A copy: the decoder's buffer also holds the prefix and checksum.
    return Uint8Array.from(b58checkDecode(text, prefix, size));
  } catch (e) {
    throw new HashFormatError(`${kind}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
