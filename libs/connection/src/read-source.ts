import type { ByteStream } from './byte-stream.js';

/** Where a stream's bytes go, read by read. */
export type BytesHandler = (bytes: Uint8Array) => void;

/**
 * How the handshake and then the connection take a stream's bytes: one handler at a time, pushed
 * read by read, with pause and resume. Two kinds:
 * - a stream's own reads (`'data'` events: a buffer of its own per read, which the handler may keep);
 * - a TCP socket reading into a buffer every such socket of the thread shares (`transient`: the
 *   bytes are valid only during the handler's call, and whatever is kept must be copied). See
 *   shared-buffer-socket.ts for why.
 */
export interface ReadSource {
  /** True when the bytes handed over are overwritten by the next read of any socket. */
  readonly transient: boolean;
  readonly paused: boolean;
  /** Bytes go to `handler` from now on; `undefined` pauses and delivers nothing more. */
  setHandler(handler: BytesHandler | undefined): void;
  pause(): void;
  /** Starts reading again, when a handler is set. */
  resume(): void;
}

/** Registered by whoever creates a socket with its own kind of source (shared-buffer-socket.ts). */
const sources = new WeakMap<ByteStream, ReadSource>();

export function registerReadSource(stream: ByteStream, source: ReadSource): void {
  sources.set(stream, source);
}

/** The source registered for `stream` (none for a stream never read through `readSourceOf`). */
export function registeredReadSource(stream: ByteStream): ReadSource | undefined {
  return sources.get(stream);
}

/** The stream's read source: the one registered for it, else one over its `'data'` events (made once). */
export function readSourceOf(stream: ByteStream): ReadSource {
  let s = sources.get(stream);
  if (s === undefined) {
    s = new StreamReadSource(stream);
    sources.set(stream, s);
  }
  return s;
}

/**
 * What both kinds of source share: one handler, and a paused state of their own that the stream's
 * `pause`/`resume` follow (reading runs only while resumed with a handler).
 */
export abstract class PausableReadSource implements ReadSource {
  protected handler: BytesHandler | undefined;
  private isPaused = true;

  constructor(protected readonly stream: ByteStream) {}

  abstract get transient(): boolean;
  abstract setHandler(handler: BytesHandler | undefined): void;

  get paused(): boolean {
    return this.isPaused;
  }

  pause(): void {
    if (this.isPaused) return;
    this.isPaused = true;
    this.stream.pause();
  }

  resume(): void {
    if (!this.isPaused || this.handler === undefined) return;
    this.isPaused = false;
    this.stream.resume();
  }
}

/**
 * Any Node duplex (an ordinary socket, an in-memory pair): flowing `'data'` events, each a buffer of
 * its own. Paused, the stream buffers up to its high-water mark and then stops reading.
 */
class StreamReadSource extends PausableReadSource {
  constructor(stream: ByteStream) {
    super(stream);
    // Explicitly paused first: adding a 'data' listener would otherwise start the flow.
    stream.pause();
  }

  get transient(): boolean {
    return false;
  }

  setHandler(handler: BytesHandler | undefined): void {
    if (handler === undefined) {
      this.pause();
      if (this.handler !== undefined) this.stream.off('data', onStreamData);
    } else if (this.handler === undefined) this.stream.on('data', onStreamData);
    this.handler = handler;
  }

  /** @internal (`onStreamData`) */
  deliver(b: Uint8Array): void {
    this.handler?.(b);
  }
}

/**
 * The `'data'` listener of every stream source: one function for all (the stream is `this`), rather
 * than a closure per connection — idle connections are many.
 */
function onStreamData(this: ByteStream, b: Uint8Array): void {
  (sources.get(this) as StreamReadSource | undefined)?.deliver(b);
}
