import { CHUNK_HEADER, type ChunkCipher, MAX_CHUNK_PLAINTEXT, MAX_CHUNK_SIZE, TAG_LENGTH } from './chunk-cipher.js';
import { chunkBufferPool } from './buffer-pool.js';
import { ConnectionError } from './errors.js';
import { lentMessagePool } from './message-buffer-pool.js';

const SIZE_PREFIX = 4;
/**
 * Messages up to this size get their whole buffer when their size arrives; larger ones start there
 * and grow ×4 as bytes arrive. So an authenticated peer can make us hold at most this much ahead of
 * its traffic, per connection.
 */
export const MESSAGE_PREALLOCATION_LIMIT = 2 << 20;
const INITIAL_MESSAGE_CAPACITY = MESSAGE_PREALLOCATION_LIMIT;
const GROWTH = 4;

/**
 * Message buffers under this size are carved from a shared 8 KiB slab, as `Buffer.allocUnsafe` does
 * (same sizes): a fresh `ArrayBuffer` per 100-byte message (calloc and a backing-store record) cost
 * more than the decryption. A kept message holds at most its slab. Larger buffers are uninitialised
 * memory of their own: every byte of a message buffer is written before it is read.
 */
const SLAB_SIZE = 8192;
const SMALL_ALLOCATION = SLAB_SIZE >>> 1;
// Carved with `subarray`, which V8 does faster than `new Uint8Array(buffer, offset, length)`.
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

function allocate(n: number): Uint8Array {
  if (n < SMALL_ALLOCATION) {
    if (slabUsed + n > SLAB_SIZE) {
      slab = new Uint8Array(SLAB_SIZE);
      slabUsed = 0;
    }
    const b = slab.subarray(slabUsed, slabUsed + n);
    slabUsed = (slabUsed + n + 7) & ~7; // 8-byte aligned, as Node's pool
    return b;
  }
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}

/** A message buffer of `n` bytes: from the lent-message pool when `lent`, otherwise as `allocate` makes one. */
function allocateMessage(n: number, lent: boolean): Uint8Array {
  return lent ? lentMessagePool.take(n) : allocate(n);
}

/**
 * The same bytes as a plain `Uint8Array`: sockets deliver `Buffer`s, whose `subarray` (a `FastBuffer`
 * constructed in JavaScript) costs several times the built-in one, and every chunk takes a few views.
 */
function plainView(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Where whole messages go: methods of one object rather than two closures per connection. */
export interface MessageSink {
  /**
   * A whole message, its 4-byte size included. Returns true when nothing refers to `frame` any more
   * (a lending consumer is done with it): a pooled frame then serves a later message.
   */
  deliverFrame(frame: Uint8Array): boolean;
  /** Asked for every message once its size is read (size included); false stalls reassembly until `resume()`. */
  admitMessage(size: number): boolean;
}

/**
 * The receiving half of a connection's byte stream: splits chunks, decrypts them, and reassembles
 * `[u32 size][…]` messages, with as few copies and allocations as the data allows:
 *
 * - a chunk inside one socket read is decrypted straight from the read buffer; one that spans reads
 *   is gathered in a buffer taken from a pool shared by every connection, and given back once whole
 *   (an idle connection holds no chunk-sized buffer: 1,000 idle connections cost no 128 MB);
 * - plaintext belonging to a message in progress is decrypted directly into that message's buffer,
 *   and a chunk short of the largest that starts a message is decrypted into a buffer of its own, which
 *   is the message itself when the chunk holds it whole (small messages: one allocation, no copy);
 * - with `lend` set (a consumer that borrows messages), message buffers come from the lent-message
 *   pool, and one goes back once the sink says the consumer is done with it: no allocation per message;
 * - a message buffer is allocated whole up to 2 MiB and grows (×4) beyond, as bytes arrive: announcing
 *   a huge size costs the peer about as much traffic as it costs us memory, and a size beyond the cap
 *   fails at once;
 * - each message is admitted when its size is known, before its body is read (`admit`, the memory
 *   budget): refused for now, reassembly stops right there — the rest of that chunk's plaintext and
 *   whatever the socket delivered behind it are kept as they are — until `resume()` says its bytes
 *   are reserved. So a stop always falls on a message boundary, and an admitted message can always
 *   complete.
 */
export class IncomingMessages {
  /** Only while a chunk spans socket reads. */
  private partial: Uint8Array | undefined;
  private partialLength = 0;
  /** The size of the next message as its 4 bytes arrive (a number: no per-connection buffer). */
  private sizeValue = 0;
  private sizeBytesLength = 0;
  private message: Uint8Array | undefined;
  /** `message` was taken from the lent-message pool. */
  private messageLent = false;
  private messageTotal = 0;
  private messageFilled = 0;
  /** Size (prefix included) of the message awaiting admission; 0 when none waits. */
  private stalledSize = 0;
  /** While stalled: the plaintext that followed the size in its chunk (a copy) … */
  private heldPlain: Uint8Array | undefined;
  /** … and the socket reads not yet processed, in order (created on the first stall: idle connections are many). */
  private heldRaw: Uint8Array[] | undefined;

  private readonly sink: MessageSink;

  /**
   * Take message buffers from the lent-message pool (message-buffer-pool.ts), for a consumer that
   * borrows messages: one the sink says it is done with goes back. Read when a buffer is allocated.
   */
  lend = false;

  /**
   * Whole messages go to `sink` (an object: a connection passes itself), or to a `deliver` function
   * with an `admit` one. `admit(size)` is asked for every message once its 4-byte size is read (`size`
   * includes those 4 bytes); false stalls reassembly until `resume()`. By default every message is admitted.
   */
  constructor(
    private readonly cipher: ChunkCipher,
    private readonly maxMessageSize: number,
    sink: MessageSink | ((frame: Uint8Array) => void),
    admit: (size: number) => boolean = () => true,
  ) {
    this.sink =
      typeof sink === 'function'
        ? {
            deliverFrame: (frame) => {
              sink(frame);
              return false;
            },
            admitMessage: admit,
          }
        : sink;
  }

  /** Bytes held for incomplete chunks and messages, and while stalled. */
  get buffered(): number {
    let held = this.heldPlain?.length ?? 0;
    for (const b of this.heldRaw ?? []) held += b.length;
    return this.partialLength + this.sizeBytesLength + this.messageFilled + held;
  }

  /** A message's size was refused by `admit`: nothing more is processed until `resume()`. */
  get stalled(): boolean {
    return this.stalledSize > 0;
  }

  /**
   * One socket read. `transient`: `data` is overwritten once this returns (a shared read buffer),
   * so what is held while stalled is copied; otherwise it is kept as it is.
   */
  push(data: Uint8Array, transient = false): void {
    if (this.stalled) {
      (this.heldRaw ??= []).push(transient ? new Uint8Array(data) : data);
      return;
    }
    const rest = this.process(plainView(data));
    if (rest !== undefined) (this.heldRaw ??= []).push(transient ? new Uint8Array(rest) : rest);
  }

  /**
   * The stalled message's bytes are now reserved: start it, then go on with what was held, until
   * everything is processed or another message stalls.
   */
  resume(): void {
    if (!this.stalled) return;
    const total = this.stalledSize;
    this.stalledSize = 0;
    this.begin(total);
    const plain = this.heldPlain;
    this.heldPlain = undefined;
    if (plain !== undefined) this.feed(plain);
    const raw = this.heldRaw;
    while (!this.stalled && raw !== undefined && raw.length > 0) {
      const rest = this.process(plainView(raw.shift()!));
      if (rest !== undefined) raw.unshift(rest);
    }
  }

  /** Process one socket read; returns what is left unprocessed when a message stalls. */
  private process(data: Uint8Array): Uint8Array | undefined {
    let at = 0;
    if (this.partialLength > 0) {
      at = this.fillPartial(data);
      if (this.stalled) return at < data.length ? data.subarray(at) : undefined;
    }
    while (data.length - at >= CHUNK_HEADER) {
      const len = (data[at]! << 8) | data[at + 1]!;
      if (data.length - at - CHUNK_HEADER < len) break;
      this.chunk(data.subarray(at + CHUNK_HEADER, at + CHUNK_HEADER + len));
      at += CHUNK_HEADER + len;
      if (this.stalled) return at < data.length ? data.subarray(at) : undefined;
    }
    if (at < data.length) {
      this.partial ??= chunkBufferPool.take(CHUNK_HEADER + MAX_CHUNK_SIZE);
      this.partial.set(data.subarray(at), 0);
      this.partialLength = data.length - at;
    }
    return undefined;
  }

  /** Complete the chunk held in `partial` from the front of `data`; returns the bytes of `data` used. */
  private fillPartial(data: Uint8Array): number {
    const partial = this.partial!;
    let used = 0;
    if (this.partialLength < CHUNK_HEADER) {
      const k = Math.min(CHUNK_HEADER - this.partialLength, data.length);
      partial.set(data.subarray(0, k), this.partialLength);
      this.partialLength += k;
      used = k;
      if (this.partialLength < CHUNK_HEADER) return used;
    }
    const need = CHUNK_HEADER + ((partial[0]! << 8) | partial[1]!);
    const k = Math.min(need - this.partialLength, data.length - used);
    partial.set(data.subarray(used, used + k), this.partialLength);
    this.partialLength += k;
    used += k;
    if (this.partialLength === need) {
      this.partialLength = 0;
      this.partial = undefined;
      try {
        this.chunk(partial.subarray(CHUNK_HEADER, need));
      } finally {
        chunkBufferPool.give(partial as Buffer);
      }
    }
    return used;
  }

  /**
   * One chunk body. Its 2-byte header always sits right before it in the same buffer (the read buffer
   * in `push`, `partial` in `fillPartial`), which is what `openInto(…, true)` relies on to hand a
   * session tap the wire chunk without copying.
   */
  private chunk(body: Uint8Array): void {
    const plainLength = body.length - TAG_LENGTH;
    if (plainLength < 0) {
      // Shorter than its tag: the cipher throws INVALID_INCOMING_CIPHERTEXT_SIZE (and reports the chunk to a tap).
      this.cipher.openInto(body, body, true);
      return;
    }
    if (this.message !== undefined && this.messageTotal - this.messageFilled >= plainLength) {
      this.ensureCapacity(this.messageFilled + plainLength);
      this.cipher.openInto(body, this.message.subarray(this.messageFilled, this.messageFilled + plainLength), true);
      this.messageFilled += plainLength;
      if (this.messageFilled === this.messageTotal) this.complete();
      return;
    }
    if (this.message === undefined && this.sizeBytesLength === 0 && plainLength < MAX_CHUNK_PLAINTEXT) {
      // A chunk that starts a message and is not a full one: likely the whole message (with the
      // default chunk size a longer message starts with a full chunk). Whole, it is delivered as is.
      const lent = this.lend;
      const plain = allocateMessage(plainLength, lent);
      this.cipher.openInto(body, plain, true);
      if (plainLength >= SIZE_PREFIX && readSize(plain, 0) === plainLength - SIZE_PREFIX)
        this.whole(plain, plainLength - SIZE_PREFIX, lent);
      else {
        this.feed(plain);
        // `feed` copied it (into the message, or into `heldPlain` when stalled).
        if (lent) lentMessagePool.give(plain);
      }
      return;
    }
    // Taken per chunk, not per connection: a nested delivery (a listener writing to a peer in the same
    // process) takes its own, so this one's plaintext is never overwritten while it is being fed.
    const scratch = chunkBufferPool.take(CHUNK_HEADER + MAX_CHUNK_SIZE);
    try {
      const plain = scratch.subarray(0, plainLength);
      this.cipher.openInto(body, plain, true);
      this.feed(plain);
    } finally {
      chunkBufferPool.give(scratch);
    }
  }

  /**
   * `plain` is exactly one message, its `size` (read from its first 4 bytes) included, in a buffer of
   * its own (`lent`: from the lent-message pool).
   */
  private whole(plain: Uint8Array, size: number, lent: boolean): void {
    this.checkSize(size);
    if (this.sink.admitMessage(plain.length)) {
      if (this.sink.deliverFrame(plain) && lent) lentMessagePool.give(plain);
      return;
    }
    // Stalled: `resume` starts it as any other message, from the size and the rest of `plain` (ours: no copy).
    this.sizeValue = size;
    this.stalledSize = plain.length;
    if (plain.length > SIZE_PREFIX) this.heldPlain = plain.subarray(SIZE_PREFIX);
  }

  private feed(plain: Uint8Array): void {
    let at = 0;
    while (at < plain.length) {
      if (this.message === undefined) {
        while (this.sizeBytesLength < SIZE_PREFIX && at < plain.length) {
          this.sizeValue = ((this.sizeValue << 8) | plain[at++]!) >>> 0;
          this.sizeBytesLength++;
        }
        if (this.sizeBytesLength < SIZE_PREFIX) return;
        this.start();
        if (this.stalled) {
          // `plain` may be a pooled scratch buffer, reused once this chunk is done: keep a copy (the
          // TypedArray constructor copies; `Buffer#slice` would not).
          if (at < plain.length) this.heldPlain = new Uint8Array(plain.subarray(at));
          return;
        }
        if (this.message === undefined) continue; // an empty (size 0) message was delivered
      }
      const k = Math.min(this.messageTotal - this.messageFilled, plain.length - at);
      this.ensureCapacity(this.messageFilled + k);
      this.message!.set(plain.subarray(at, at + k), this.messageFilled);
      this.messageFilled += k;
      at += k;
      if (this.messageFilled === this.messageTotal) this.complete();
    }
  }

  private start(): void {
    const size = this.sizeValue | 0; // an int32, as Octez reads it
    this.sizeBytesLength = 0;
    this.checkSize(size);
    if (this.sink.admitMessage(SIZE_PREFIX + size)) this.begin(SIZE_PREFIX + size);
    else this.stalledSize = SIZE_PREFIX + size;
  }

  private checkSize(size: number): void {
    if (size < 0) throw new ConnectionError('DECODING_ERROR', `incoming message: negative size ${size}`);
    if (size > this.maxMessageSize - SIZE_PREFIX) {
      throw new ConnectionError(
        'MESSAGE_TOO_LARGE',
        `incoming message of ${size + SIZE_PREFIX} bytes exceeds the ${this.maxMessageSize}-byte cap`,
      );
    }
  }

  /** An admitted message of `total` bytes (size included); `sizeValue` still holds its size. */
  private begin(total: number): void {
    this.messageTotal = total;
    this.messageLent = this.lend;
    const m = allocateMessage(Math.min(total, INITIAL_MESSAGE_CAPACITY), this.messageLent);
    const size = this.sizeValue;
    this.sizeValue = 0;
    m[0] = size >>> 24;
    m[1] = (size >>> 16) & 0xff;
    m[2] = (size >>> 8) & 0xff;
    m[3] = size & 0xff;
    this.message = m;
    this.messageFilled = SIZE_PREFIX;
    if (total === SIZE_PREFIX) this.complete();
  }

  private ensureCapacity(n: number): void {
    const m = this.message!;
    if (n <= m.length) return;
    const grown = allocateMessage(Math.min(this.messageTotal, Math.max(n, m.length * GROWTH)), this.messageLent);
    grown.set(m.subarray(0, this.messageFilled));
    this.message = grown;
    if (this.messageLent) lentMessagePool.give(m);
  }

  private complete(): void {
    const frame = this.message!;
    const lent = this.messageLent;
    this.message = undefined;
    this.messageFilled = 0;
    this.messageTotal = 0;
    if (this.sink.deliverFrame(frame) && lent) lentMessagePool.give(frame);
  }
}

/** The big-endian int32 at `at` (a message's size, as Octez reads it). */
function readSize(b: Uint8Array, at: number): number {
  return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
}
