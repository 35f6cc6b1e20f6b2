import type { Encoding } from '@tezos-p2p/encoding';
import type { AppMessageEncoding, RawAppMessage } from '@tezos-p2p/wire';
import { createShellCodec } from './codec.js';
import type { ShellMessage } from './types.js';

/** The codec with Octez's default bounds. */
export const defaultShellCodec = createShellCodec();

/** `[uint16 tag][payload]` with Octez's tags and default bounds. */
export const shellMessageEncoding: Encoding<ShellMessage> = defaultShellCodec.encoding;

/** For `p2pMessageEncoding<ShellMessage>({ app: shellAppMessages })`. */
export const shellAppMessages: readonly AppMessageEncoding<ShellMessage>[] = defaultShellCodec.appMessages;

/** From the P2P layer's opaque `(tag, payload)` to a typed message. Throws `DecodeError`. */
export function decodeShellMessage(tag: number, payload: Uint8Array): ShellMessage {
  return defaultShellCodec.decode(tag, payload);
}

/** From a typed message to the `(tag, payload)` the P2P layer sends. Throws `EncodeError`. */
export function encodeShellMessage(msg: ShellMessage): RawAppMessage {
  return defaultShellCodec.encode(msg);
}
