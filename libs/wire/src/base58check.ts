import bs58check from 'bs58check';

/** Base58Check of `prefix ‖ payload` (checksum: first 4 bytes of double SHA-256), as Octez's Base58. */
export function b58checkEncode(prefix: Uint8Array, payload: Uint8Array): string {
  const data = new Uint8Array(prefix.length + payload.length);
  data.set(prefix);
  data.set(payload, prefix.length);
  return bs58check.encode(data);
}

/**
 * Text that is not the expected Base58Check value (bad character, checksum, length or prefix). Still a
 * RangeError, as these failures were before they had a class, so `instanceof RangeError` checks hold;
 * the `code` lets callers (and the fuzzer) tell it from a crash.
 */
export class Base58CheckError extends RangeError {
  override readonly name = 'Base58CheckError';
  readonly code = 'INVALID_BASE58CHECK';
}

/** Decode and check the prefix; returns the payload or throws a Base58CheckError saying what is wrong. */
export function b58checkDecode(text: string, prefix: Uint8Array, payloadLength: number): Uint8Array {
  let data: Uint8Array;
  try {
    data = bs58check.decode(text);
  } catch (e) {
    throw new Base58CheckError(`invalid base58check string: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (data.length !== prefix.length + payloadLength)
    throw new Base58CheckError(
      `base58check payload has ${data.length - prefix.length} bytes, expected ${payloadLength}`,
    );
  for (let i = 0; i < prefix.length; i++)
    if (data[i] !== prefix[i]) throw new Base58CheckError('base58check prefix mismatch');
  return data.subarray(prefix.length);
}
