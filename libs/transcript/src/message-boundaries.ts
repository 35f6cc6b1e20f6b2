import { shellMessageKindOfTag } from '@tezos-p2p/shell';

const P2P_KINDS: Readonly<Record<number, string>> = {
  0x01: 'Disconnect',
  0x02: 'Bootstrap',
  0x03: 'Advertise',
  0x04: 'Swap_request',
  0x05: 'Swap_ack',
};

/** The kind name of a P2P message tag: P2P's own, the shell's, or `app_0x…`. */
export function kindOfTag(tag: number): string {
  return P2P_KINDS[tag] ?? shellMessageKindOfTag(tag) ?? `app_0x${tag.toString(16).padStart(4, '0')}`;
}

/**
 * Follows the message stream of one direction across chunks (`[u32 size][u16 tag]…`, a message may
 * span chunks), to label each chunk with the kind of the message it starts, or `fragment`. Keeps six
 * header bytes and a counter: no copy of the stream.
 */
export class MessageBoundaries {
  private remaining = 0;
  private readonly header = new Uint8Array(6);
  private headerLength = 0;

  /** The kind of the first message starting in `plain`, or 'fragment' when it only continues one. */
  label(plain: Uint8Array): string {
    let label: string | undefined;
    let at = 0;
    while (at < plain.length) {
      if (this.remaining > 0) {
        const k = Math.min(this.remaining, plain.length - at);
        this.remaining -= k;
        at += k;
        continue;
      }
      const startedHere = this.headerLength === 0;
      const k = Math.min(6 - this.headerLength, plain.length - at);
      this.header.set(plain.subarray(at, at + k), this.headerLength);
      this.headerLength += k;
      at += k;
      if (this.headerLength < 6) {
        if (startedHere) label ??= 'fragment';
        continue;
      }
      const size = new DataView(this.header.buffer).getUint32(0);
      const tag = (this.header[4]! << 8) | this.header[5]!;
      if (startedHere) label ??= kindOfTag(tag);
      this.remaining = Math.max(0, size - 2);
      this.headerLength = 0;
    }
    return label ?? 'fragment';
  }
}
