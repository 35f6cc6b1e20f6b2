import { DecodeError, decode, encode } from '@tezos-p2p/encoding';
import { type ShellMessage, decodeShellMessage, encodeShellMessage, shellAppMessages } from '@tezos-p2p/shell';
import { type P2pMessage, p2pMessageEncoding } from '@tezos-p2p/wire';
import { CheckFailure } from './result.js';

/** P2P messages with the shell's application messages decoded in full, so re-encoding exercises every field. */
export const shellP2pMessageEncoding = p2pMessageEncoding<ShellMessage>({ app: shellAppMessages });

export function messageKind(m: P2pMessage<ShellMessage>): string {
  return m.kind === 'Message' ? m.message.kind : m.kind;
}

function decodeOrFail<T>(f: () => T, where: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof DecodeError) throw new CheckFailure(`${where}: ${e.message}`, where, e.offset);
    throw e;
  }
}

/** Decode one framed P2P message and encode it again. */
export function reencodeMessage(frame: Uint8Array, where: string): { kind: string; bytes: Uint8Array } {
  const m = decodeOrFail(() => decode(shellP2pMessageEncoding, frame), where);
  return { kind: messageKind(m), bytes: encode(shellP2pMessageEncoding, m) };
}

/** Decode an application payload of `tag` and encode it again. */
export function reencodeAppPayload(
  tag: number,
  payload: Uint8Array,
  where: string,
): { kind: string; bytes: Uint8Array } {
  const m = decodeOrFail(() => decodeShellMessage(tag, payload), where);
  const raw = encodeShellMessage(m);
  if (raw.tag !== tag)
    throw new CheckFailure(
      `${where}: re-encoded with tag 0x${raw.tag.toString(16)}, recorded 0x${tag.toString(16)}`,
      where,
    );
  return { kind: m.kind, bytes: raw.payload };
}

export { decodeOrFail };
