import bs58check from 'bs58check';

/** Base58Check of `prefix ‖ payload` (checksum: first 4 bytes of double SHA-256), as Octez's Base58. */
export function b58checkEncode(prefix: Uint8Array, payload: Uint8Array): string {
  const data = new Uint8Array(prefix.length + payload.length);
  data.set(prefix);
  data.set(payload, prefix.length);
  return bs58check.encode(data);
}

/** Decode and check the prefix; returns the payload or throws a RangeError saying what is wrong. */
export function b58checkDecode(text: string, prefix: Uint8Array, payloadLength: number): Uint8Array {
  let data: Uint8Array;
  try {
    data = bs58check.decode(text);
  } catch (e) {
    throw new RangeError(`invalid base58check string: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (data.length !== prefix.length + payloadLength) throw new RangeError(`base58check payload has ${data.length - prefix.length} bytes, expected ${payloadLength}`);
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) throw new RangeError('base58check prefix mismatch');
  return data.subarray(prefix.length);
}
