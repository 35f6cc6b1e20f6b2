import { type CryptoBackend, incrementNonceInPlace } from '@tezos-p2p/crypto';
import { ConnectionError } from './errors.js';
import type { ChunkTapTarget, TapSession } from './session-tap.js';

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
  if (
    !Number.isInteger(binaryChunksSize) ||
    binaryChunksSize - 18 <= 0 ||
    binaryChunksSize - 18 > MAX_CHUNK_PLAINTEXT
  ) {
    throw new RangeError(`binary chunks size must be in [19, 65535], got ${binaryChunksSize}`);
  }
  return binaryChunksSize - 18;
}

/**
 * One direction of the channel: the precomputed key and the running nonce, used then incremented
 * for every chunk (so chunk i uses initial nonce + i).
 *
 * With a session tap attached (`attachTap`, done by `authenticate`), every chunk sealed or opened is
 * reported with its index, nonce (before the increment), wire bytes and plaintext. Without one, the
 * cost is one `undefined` check per chunk.
 */
export class ChunkCipher implements ChunkTapTarget {
  readonly nonce: Uint8Array;
  private tap: TapSession | undefined;
  private tapDirection: 'sent' | 'received' = 'sent';
  private tapIndex = 0;

  constructor(
    private readonly backend: CryptoBackend,
    private readonly key: Uint8Array,
    initialNonce: Uint8Array,
  ) {
    this.nonce = Uint8Array.from(initialNonce);
  }

  /**
   * Report every chunk from now on to `tap` as `direction` (indices count from 0 here). Used by
   * `authenticate` on a fresh cipher; the tap detaches itself when it fails or the session ends.
   */
  attachTap(tap: TapSession, direction: 'sent' | 'received'): void {
    this.tap = tap;
    this.tapDirection = direction;
    this.tapIndex = 0;
    tap.register(this);
  }

  detachTap(): void {
    this.tap = undefined;
  }

  /** Report one chunk, under the current (not yet incremented) nonce. */
  private report(tap: TapSession, wire: Uint8Array, plaintext: Uint8Array | undefined): void {
    tap.chunk(this.tapDirection, this.tapIndex++, this.nonce, wire, plaintext);
  }

  /** A received body without its header in front: the wire chunk is rebuilt (tapped sessions only). */
  private static framed(body: Uint8Array): Uint8Array {
    const wire = new Uint8Array(CHUNK_HEADER + body.length);
    wire[0] = body.length >> 8;
    wire[1] = body.length & 0xff;
    wire.set(body, CHUNK_HEADER);
    return wire;
  }

  /** The wire chunk of a body preceded by its 2-byte header in the same buffer, as a view. */
  private static headed(body: Uint8Array): Uint8Array {
    return new Uint8Array(body.buffer, body.byteOffset - CHUNK_HEADER, CHUNK_HEADER + body.length);
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
      const chunk = buffer.subarray(at, at + CHUNK_HEADER + len);
      if (this.tap !== undefined) this.report(this.tap, chunk, piece);
      incrementNonceInPlace(this.nonce);
      chunks.push(chunk);
      at += CHUNK_HEADER + len;
    }
    return { buffer, chunks };
  }

  /**
   * `plain` as exactly one chunk, whatever `binary_chunks_size` says: the handshake's Metadata, Ack and
   * Nack are each read back as one chunk (`P2p_socket.Metadata.write` / `Ack.write` call
   * `Crypto.write_chunk` once), so splitting one would leave the peer with half a value. More than
   * 65517 bytes cannot be one chunk: MESSAGE_TOO_LARGE (Octez's `Invalid_message_size`).
   */
  sealOne(plain: Uint8Array): Uint8Array {
    if (plain.length > MAX_CHUNK_PLAINTEXT) {
      throw new ConnectionError(
        'MESSAGE_TOO_LARGE',
        `${plain.length} bytes do not fit in one chunk (at most ${MAX_CHUNK_PLAINTEXT})`,
      );
    }
    return this.seal(plain, MAX_CHUNK_PLAINTEXT).buffer;
  }

  /** Seal one chunk (`[u16 length][tag][ciphertext]`) of `piece` into `out` at `at`; returns its size. */
  sealChunkInto(piece: Uint8Array, out: Uint8Array, at: number): number {
    const len = TAG_LENGTH + piece.length;
    out[at] = len >> 8;
    out[at + 1] = len & 0xff;
    this.backend.sealInto(this.key, this.nonce, piece, out, at + CHUNK_HEADER);
    if (this.tap !== undefined) this.report(this.tap, out.subarray(at, at + CHUNK_HEADER + len), piece);
    incrementNonceInPlace(this.nonce);
    return CHUNK_HEADER + len;
  }

  /**
   * Decrypt one chunk body (`tag ‖ ciphertext`) into `out` (exactly `body.length − 16` bytes), with the
   * same checks and nonce rule as `open`. `headed`: the body's 2-byte header sits right before it in
   * the same buffer (a tap then gets the wire chunk as a view instead of a copy).
   */
  openInto(body: Uint8Array, out: Uint8Array, headed = false): void {
    if (body.length < TAG_LENGTH) return this.tooShort(body, headed);
    const ok = this.backend.openInto(this.key, this.nonce, body, out);
    if (this.tap !== undefined)
      this.report(this.tap, headed ? ChunkCipher.headed(body) : ChunkCipher.framed(body), ok ? out : undefined);
    incrementNonceInPlace(this.nonce);
    if (!ok) throw new ConnectionError('DECIPHER_ERROR', 'an encrypted chunk failed authentication');
  }

  /** Decrypt one chunk body (`tag ‖ ciphertext`). The nonce advances even on failure, as in Octez. */
  open(body: Uint8Array): Uint8Array {
    if (body.length < TAG_LENGTH) return this.tooShort(body, false);
    const plain = this.backend.open(this.key, this.nonce, body);
    if (this.tap !== undefined) this.report(this.tap, ChunkCipher.framed(body), plain);
    incrementNonceInPlace(this.nonce);
    if (plain === undefined) throw new ConnectionError('DECIPHER_ERROR', 'an encrypted chunk failed authentication');
    return plain;
  }

  private tooShort(body: Uint8Array, headed: boolean): never {
    if (this.tap !== undefined)
      this.report(this.tap, headed ? ChunkCipher.headed(body) : ChunkCipher.framed(body), undefined);
    throw new ConnectionError(
      'INVALID_INCOMING_CIPHERTEXT_SIZE',
      `encrypted chunk of ${body.length} bytes is shorter than its tag`,
    );
  }
}
