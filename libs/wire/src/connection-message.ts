import { DecodeError, EncodeError, type Encoding, Fixed, conv, decode, encode, obj, uint16 } from '@tezos-p2p/encoding';
import { type NetworkVersion, networkVersionEncoding } from './network-version.js';

/** The plaintext first message of each side (`P2p_socket.Connection_message`). */
export interface ConnectionMessage {
  /** Advertised listening port; `undefined` is written as 0 ("none"). */
  readonly port: number | undefined;
  readonly publicKey: Uint8Array;
  readonly proofOfWorkStamp: Uint8Array;
  /** Fresh random 24 bytes per connection. */
  readonly messageNonce: Uint8Array;
  readonly version: NetworkVersion;
}

export const PUBLIC_KEY_SIZE = 32;
export const NONCE_SIZE = 24;

const portOrNone: Encoding<number | undefined> = conv(
  uint16,
  (p: number | undefined) => p ?? 0,
  (p) => (p === 0 ? undefined : p),
  'port',
);

export const connectionMessageEncoding: Encoding<ConnectionMessage> = obj(
  {
    port: portOrNone,
    publicKey: Fixed.bytes(PUBLIC_KEY_SIZE),
    proofOfWorkStamp: Fixed.bytes(NONCE_SIZE),
    messageNonce: Fixed.bytes(NONCE_SIZE),
    version: networkVersionEncoding,
  },
  'connection_message',
) as Encoding<ConnectionMessage>;

/** Size of the 2-byte big-endian length that frames the connection message. */
export const CONNECTION_MESSAGE_HEADER = 2;

/**
 * The raw connection message as sent: 2-byte length then the body. These exact bytes (prefix
 * included) feed the nonce derivation on both sides.
 */
export function encodeConnectionMessageFrame(msg: ConnectionMessage): Uint8Array {
  const body = encode(connectionMessageEncoding, msg);
  if (body.length >= 1 << 16)
    throw new EncodeError(
      'SIZE_LIMIT_EXCEEDED',
      `connection message of ${body.length} bytes does not fit its 2-byte length`,
    );
  const frame = new Uint8Array(CONNECTION_MESSAGE_HEADER + body.length);
  new DataView(frame.buffer).setUint16(0, body.length);
  frame.set(body, CONNECTION_MESSAGE_HEADER);
  return frame;
}

/** Decode a whole frame (prefix included); the body must be consumed exactly. */
export function decodeConnectionMessageFrame(frame: Uint8Array): ConnectionMessage {
  if (frame.length < CONNECTION_MESSAGE_HEADER)
    throw new DecodeError('NOT_ENOUGH_DATA', 0, 'connection message frame shorter than its header');
  const len = (frame[0]! << 8) | frame[1]!;
  if (frame.length !== CONNECTION_MESSAGE_HEADER + len) {
    throw new DecodeError(
      frame.length < CONNECTION_MESSAGE_HEADER + len ? 'NOT_ENOUGH_DATA' : 'EXTRA_BYTES',
      CONNECTION_MESSAGE_HEADER,
      `frame announces ${len} bytes, holds ${frame.length - CONNECTION_MESSAGE_HEADER}`,
    );
  }
  try {
    return decode(connectionMessageEncoding, frame.subarray(CONNECTION_MESSAGE_HEADER));
  } catch (e) {
    const d = e as DecodeError;
    throw new DecodeError(d.code, d.offset + CONNECTION_MESSAGE_HEADER, d.detail, d.path);
  }
}
