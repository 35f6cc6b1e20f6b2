/**
 * Observing one session's raw bytes and keys, e.g. to write a conformance transcript of a live
 * session. Nothing here runs unless a tap is given: the chunk ciphers check one field per chunk.
 */

/** Which hook of a `SessionTap` threw. */
export type SessionTapHook = 'connectionMessages' | 'keys' | 'chunk' | 'end';

/**
 * Observes one session. Byte arrays passed to it are views into reused buffers: valid only during the
 * call, copy what you keep, and never write to them (the session still uses them).
 *
 * A hook that throws never breaks the session: the error is caught and reported once to `onTapError`,
 * and the tap is detached — it gets no further `connectionMessages`, `keys` or `chunk` call, only the
 * final `end` (so a recorder can still close its file, knowing its transcript is incomplete).
 */
export interface SessionTap {
  /** Both connection messages as framed on the wire (2-byte length included), as soon as the peer's is read. */
  connectionMessages(m: { readonly incoming: boolean; readonly sent: Uint8Array; readonly received: Uint8Array }): void;
  /** The session keys, once derived (before the Metadata exchange). */
  keys(k: { readonly channelKey: Uint8Array; readonly localNonce: Uint8Array; readonly remoteNonce: Uint8Array }): void;
  /**
   * Every encrypted chunk, both directions, in order: `index` counts from 0 per direction (Metadata is
   * index 0, Ack/Nack 1, …), `nonce` is the one it was sealed/opened with, `wire` the whole chunk with
   * its 2-byte length, `plaintext` what it carries. Also called for a received chunk that fails
   * authentication or is shorter than its tag, with `plaintext` undefined (the session then ends).
   */
  chunk(c: {
    readonly direction: 'sent' | 'received';
    readonly index: number;
    readonly nonce: Uint8Array;
    readonly wire: Uint8Array;
    readonly plaintext: Uint8Array | undefined;
  }): void;
  /**
   * The session ended (handshake failure, refusal or connection close), once. `reason` is readable
   * text; `code` is the `ConnectionError` code when the session ended on an error (absent for a local
   * decision: Nack sent, closed without answer, `close` / `disconnect`).
   */
  end(e: { readonly reason: string; readonly code?: string }): void;
  /** Called at most once, with the first error a hook threw (its own errors are ignored). */
  onTapError?(error: unknown, hook: SessionTapHook): void;
}

/** What a chunk cipher reports to (see `ChunkCipher.attachTap`). */
export interface ChunkTapTarget {
  detachTap(): void;
}

/**
 * @internal The session side of a tap: calls the user's hooks behind a guard, detaches it on the first
 * throw, and guarantees a single `end`, after which nothing more is reported.
 */
export class TapSession {
  private live: SessionTap | undefined;
  private ended = false;
  private reported = false;
  private readonly ciphers: ChunkTapTarget[] = [];

  constructor(private readonly tap: SessionTap) {
    this.live = tap;
  }

  /** Ciphers reporting here; detached (their field cleared) when the tap fails or the session ends. */
  register(cipher: ChunkTapTarget): void {
    this.ciphers.push(cipher);
  }

  private detach(): void {
    this.live = undefined;
    for (const c of this.ciphers) c.detachTap();
  }

  private failed(e: unknown, hook: SessionTapHook): void {
    if (hook !== 'end') this.detach();
    if (this.reported) return;
    this.reported = true;
    try {
      this.tap.onTapError?.(e, hook);
    } catch {
      // The error handler's own failure has nowhere to go.
    }
  }

  connectionMessages(incoming: boolean, sent: Uint8Array, received: Uint8Array): void {
    const t = this.live;
    if (t === undefined) return;
    try {
      t.connectionMessages({ incoming, sent, received });
    } catch (e) {
      this.failed(e, 'connectionMessages');
    }
  }

  keys(channelKey: Uint8Array, localNonce: Uint8Array, remoteNonce: Uint8Array): void {
    const t = this.live;
    if (t === undefined) return;
    try {
      t.keys({ channelKey, localNonce, remoteNonce });
    } catch (e) {
      this.failed(e, 'keys');
    }
  }

  chunk(
    direction: 'sent' | 'received',
    index: number,
    nonce: Uint8Array,
    wire: Uint8Array,
    plaintext: Uint8Array | undefined,
  ): void {
    const t = this.live;
    if (t === undefined) return;
    try {
      t.chunk({ direction, index, nonce, wire, plaintext });
    } catch (e) {
      this.failed(e, 'chunk');
    }
  }

  /** The first call reports; later ones do nothing. */
  end(reason: string, code?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.detach();
    try {
      this.tap.end(code === undefined ? { reason } : { reason, code });
    } catch (e) {
      this.failed(e, 'end');
    }
  }
}
