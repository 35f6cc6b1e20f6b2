import type { Clock, TimerHandle } from '@tezos-p2p/events';
import { type ByteStream, closedCode } from './byte-stream.js';
import { ConnectionError } from './errors.js';
import { type ReadSource, readSourceOf } from './read-source.js';

/**
 * The deadline and cancellation shared by the steps of one handshake: the first of the timer and the
 * parent signal fails it, once, with TIMEOUT or CANCELED. A plain callback rather than an
 * AbortController: creating one per handshake and a listener on its signal per read cost more than
 * the handshake's own JavaScript (Node's EventTarget is slow), and nothing outside needs the signal.
 */
export class HandshakeDeadline {
  private reason: ConnectionError | undefined;
  private timer: TimerHandle | undefined;
  /** Called once when the deadline fails (the reader waiting on the socket wakes up to throw). */
  onFail: (() => void) | undefined;
  private readonly onParentAbort = () => this.fail(ConnectionError.expected('CANCELED', 'handshake cancelled'));

  constructor(
    timeoutMs: number,
    private readonly parent: AbortSignal | undefined,
    private readonly clock: Clock,
  ) {
    this.timer = clock.setTimeout(
      () => this.fail(ConnectionError.expected('TIMEOUT', `handshake did not complete within ${timeoutMs} ms`)),
      timeoutMs,
    );
    if (parent?.aborted) this.onParentAbort();
    else parent?.addEventListener('abort', this.onParentAbort, { once: true });
  }

  private fail(reason: ConnectionError): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.onFail?.();
  }

  /** Why the handshake must stop (TIMEOUT or CANCELED), if it must. */
  get failure(): ConnectionError | undefined {
    return this.reason;
  }

  check(): void {
    if (this.reason !== undefined) throw this.reason;
  }

  done(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.parent?.removeEventListener('abort', this.onParentAbort);
  }
}

/**
 * Read-ahead of the handshake: reading pauses once this much is buffered and not yet consumed (the
 * largest handshake read is one chunk, 65,537 bytes). One socket read may go past it, by at most
 * the shared read buffer (shared-buffer-socket.ts) or the stream's own read size.
 */
export const HANDSHAKE_READ_AHEAD = 64 << 10;

/**
 * Buffered exact reads of a stream for the handshake (the only exact reader of the library), failing
 * with the deadline's error: one wake-up callback instead of an abort listener per read. Whatever was
 * read past the handshake is handed over by `detach()`, so bytes the peer sends right after its Ack
 * are not lost.
 */
export class HandshakeReader {
  private readonly buffered: Uint8Array[] = [];
  private bufferedLength = 0;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly source: ReadSource;
  private readonly onBytes = (b: Uint8Array) => {
    // A shared read buffer is overwritten by the next read: keep a copy (a handshake reads little).
    const kept = this.source.transient ? new Uint8Array(b) : b;
    this.buffered.push(kept);
    this.bufferedLength += kept.length;
    if (this.bufferedLength >= HANDSHAKE_READ_AHEAD) this.source.pause();
    this.signal();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.signal();
  };
  private readonly onError = (e: Error) => {
    this.failure = e;
    this.signal();
  };

  constructor(
    private readonly stream: ByteStream,
    private readonly deadline: HandshakeDeadline,
  ) {
    this.source = readSourceOf(stream);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
    deadline.onFail = () => this.signal();
    this.source.setHandler(this.onBytes);
    this.source.resume();
  }

  private signal(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Exactly `n` bytes, or a ConnectionError (closed, socket error, or the deadline's reason). */
  async readExactly(n: number): Promise<Uint8Array> {
    for (;;) {
      if (this.bufferedLength >= n) return this.take(n);
      this.deadline.check();
      if (this.failure)
        throw new ConnectionError('SOCKET_ERROR', `socket error: ${this.failure.message}`, { cause: this.failure });
      if (this.ended || this.stream.destroyed)
        throw ConnectionError.expected(
          closedCode(this.stream),
          `connection closed after ${this.bufferedLength} of ${n} expected bytes`,
        );
      this.source.resume();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** One chunk body: its 2-byte big-endian length, then that many bytes. */
  async readChunk(): Promise<Uint8Array> {
    const header = await this.readExactly(2);
    return this.readExactly((header[0]! << 8) | header[1]!);
  }

  private take(n: number): Uint8Array {
    this.bufferedLength -= n;
    const out = takeFront(this.buffered, n);
    if (this.bufferedLength < HANDSHAKE_READ_AHEAD) this.source.resume();
    return out;
  }

  /** Stop reading and listening, and return the bytes read but not consumed. */
  detach(): Uint8Array[] {
    this.source.setHandler(undefined);
    return this.release();
  }

  /**
   * Stop listening and return the bytes read but not consumed, leaving the stream reading: for a
   * caller that sets the source's next handler before returning to the event loop (`accept` making
   * its Connection), so that reading is not stopped and restarted in between (two epoll_ctl calls
   * per socket). No bytes can arrive meanwhile: reads are delivered only from the event loop.
   */
  handOver(): Uint8Array[] {
    return this.release();
  }

  private release(): Uint8Array[] {
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    this.stream.off('error', this.onError);
    this.deadline.onFail = undefined;
    const rest = this.buffered.splice(0);
    this.bufferedLength = 0;
    return rest;
  }
}

/**
 * The first `n` bytes of `chunks` (which must hold at least `n`) as one new array, removing them from
 * `chunks`: whole chunks are shifted out, a partly used one is replaced by its rest.
 */
function takeFront(chunks: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let filled = 0;
  while (filled < n) {
    const head = chunks[0]!;
    const k = Math.min(head.length, n - filled);
    out.set(head.subarray(0, k), filled);
    filled += k;
    if (k === head.length) chunks.shift();
    else chunks[0] = head.subarray(k);
  }
  return out;
}
