import { getCryptoBackend, incrementNonce } from '@tezos-p2p/crypto';
import { peerIdOf } from '@tezos-p2p/crypto';
import { fromHex } from '@tezos-p2p/encoding';
import type { Endpoint, TranscriptRecord } from '@tezos-p2p/transcript';
import { decodeConnectionMessageFrame } from '@tezos-p2p/wire';

export const hex = (s: string): Uint8Array => fromHex(s);

/** Framed connection message (2-byte length included). */
export function connectionRecord(direction: 'SENT' | 'RECEIVED', wire: Uint8Array, timeUs?: number): TranscriptRecord {
  return {
    direction,
    layer: 'CONNECTION_MESSAGE',
    wire,
    kind: 'connection_message',
    ...(timeUs !== undefined ? { timeUs } : {}),
  };
}

/** What a connection message says of its sender. */
export function endpointOf(frame: Uint8Array, extra: Partial<Endpoint> = {}): Endpoint & { chainName: string } {
  const m = decodeConnectionMessageFrame(frame);
  return {
    peerId: peerIdOf(getCryptoBackend(), m.publicKey),
    publicKey: m.publicKey,
    proofOfWorkStamp: m.proofOfWorkStamp,
    ...extra,
    chainName: m.version.chainName,
  };
}

/** Split a byte stream into its 2-byte-length-framed units (connection message, then chunks). */
export function splitFrames(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at + 2 <= stream.length) {
    const n = 2 + ((stream[at]! << 8) | stream[at + 1]!);
    if (at + n > stream.length) throw new Error(`truncated frame at offset ${at}`);
    out.push(stream.subarray(at, at + n));
    at += n;
  }
  if (at !== stream.length) throw new Error(`trailing ${stream.length - at} bytes`);
  return out;
}

/** The nonce of chunk `index` of a direction that starts at `initial`. */
export function nonceAt(initial: Uint8Array, index: number): Uint8Array {
  return index === 0 ? Uint8Array.from(initial) : incrementNonce(initial, index);
}

/** The kind a source label names, normalised to Octez's constructor spelling where it is one. */
export function kindOfLabel(label: Record<string, unknown> | string | null | undefined): string | undefined {
  if (label === null || label === undefined) return undefined;
  if (typeof label === 'string') return label;
  const message = label['message'] as { kind?: string } | undefined;
  if (message?.kind) return message.kind;
  const key = Object.keys(label)[0];
  return key === 'connection' ? 'connection_message' : key;
}
