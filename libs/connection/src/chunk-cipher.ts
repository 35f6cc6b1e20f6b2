import { type CryptoBackend, incrementNonceInPlace } from '@tezos-p2p/crypto';
import { ConnectionError } from './errors.js';

/** Bytes of the big-endian chunk length. */
export const CHUNK_HEADER = 2;
export const TAG_LENGTH = 16;
/** 65535: the largest chunk on the wire, header included. */
export const MAX_CHUNK_SIZE = 0xffff;
/** 65517: the largest plaintext Octez puts in one chunk. */
export const MAX_CHUNK_PLAINTEXT = MAX_CHUNK_SIZE - CHUNK_HEADER - TAG_LENGTH;

/**
 * Plaintext per chunk for a `binary_chunks_size` (bytes per chunk on the wire, 19..65535), or the
 * default 65517 when unset (`P2p_socket.check_binary_chunks_size`).
 */
export function plaintextPerChunk(binaryChunksSize: number | undefined): number {
  if (binaryChunksSize === undefined) return MAX_CHUNK_PLAINTEXT;
  if (!Number.isInteger(binaryChunksSize) || binaryChunksSize - 18 <= 0 || binaryChunksSize - 18 > MAX_CHUNK_PLAINTEXT) {
    throw new RangeError(`binary chunks size must be in [19, 65535], got ${binaryChunksSize}`);
  }
  return binaryChunksSize - 18;
}

/**
 * One direction of the channel: the precomputed key and the running nonce, used then incremented
 * for every chunk (so chunk i uses initial nonce + i).
 */
export class ChunkCipher {
  readonly nonce: Uint8Array;

  constructor(
    private readonly backend: CryptoBackend,
    private readonly key: Uint8Array,
    initialNonce: Uint8Array,
  ) {
    this.nonce = Uint8Array.from(initialNonce);
  }

  /**
   * Encrypt `plain` as consecutive chunks of at most `perChunk` plaintext bytes
   * (`[u16 length][tag][ciphertext]` each), all in one buffer; returns that buffer and the chunk views.
   * An empty plaintext still makes one (empty) chunk.
   */
  seal(plain: Uint8Array, perChunk: number = MAX_CHUNK_PLAINTEXT): { buffer: Uint8Array; chunks: Uint8Array[] } {
    const count = Math.max(1, Math.ceil(plain.length / perChunk));
    const buffer = new Uint8Array(plain.length + count * (CHUNK_HEADER + TAG_LENGTH));
    const chunks: Uint8Array[] = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      const piece = plain.subarray(i * perChunk, Math.min(plain.length, (i + 1) * perChunk));
      const len = TAG_LENGTH + piece.length;
      buffer[at] = len >> 8;
      buffer[at + 1] = len & 0xff;
      this.backend.sealInto(this.key, this.nonce, piece, buffer, at + CHUNK_HEADER);
      incrementNonceInPlace(this.nonce);
      chunks.push(buffer.subarray(at, at + CHUNK_HEADER + len));
      at += CHUNK_HEADER + len;
    }
    return { buffer, chunks };
  }

  /** Seal one chunk (`[u16 length][tag][ciphertext]`) of `piece` into `out` at `at`; returns its size. */
  sealChunkInto(piece: Uint8Array, out: Uint8Array, at: number): number {
    const len = TAG_LENGTH + piece.length;
    out[at] = len >> 8;
    out[at + 1] = len & 0xff;
    this.backend.sealInto(this.key, this.nonce, piece, out, at + CHUNK_HEADER);
    incrementNonceInPlace(this.nonce);
    return CHUNK_HEADER + len;
  }

  /**
   * Decrypt one chunk body (`tag ‖ ciphertext`) into `out` (exactly `body.length − 16` bytes), with the
   * same checks and nonce rule as `open`.
   */
  openInto(body: Uint8Array, out: Uint8Array): void {
    if (body.length < TAG_LENGTH) throw new ConnectionError('INVALID_INCOMING_CIPHERTEXT_SIZE', `encrypted chunk of ${body.length} bytes is shorter than its tag`);
    const ok = this.backend.openInto(this.key, this.nonce, body, out);
    incrementNonceInPlace(this.nonce);
    if (!ok) throw new ConnectionError('DECIPHER_ERROR', 'an encrypted chunk failed authentication');
  }

  /** Decrypt one chunk body (`tag ‖ ciphertext`). The nonce advances even on failure, as in Octez. */
  open(body: Uint8Array): Uint8Array {
    if (body.length < TAG_LENGTH) throw new ConnectionError('INVALID_INCOMING_CIPHERTEXT_SIZE', `encrypted chunk of ${body.length} bytes is shorter than its tag`);
    const plain = this.backend.open(this.key, this.nonce, body);
    incrementNonceInPlace(this.nonce);
    if (plain === undefined) throw new ConnectionError('DECIPHER_ERROR', 'an encrypted chunk failed authentication');
    return plain;
  }
}
