import { DecodeError, EncodeError, type Encoding, decode, encode } from '@tezos-p2p/encoding';
import type { NetworkVersion, P2pMessage } from '@tezos-p2p/wire';
import type { ByteStream } from './byte-stream.js';
import { type ReadSource, readSourceOf } from './read-source.js';
import { CHUNK_HEADER, type ChunkCipher, MAX_CHUNK_PLAINTEXT, TAG_LENGTH } from './chunk-cipher.js';
import { IncomingMessages, type MessageSink } from './incoming-messages.js';
import { writeBufferPool } from './buffer-pool.js';
import { Fifo } from './fifo.js';
import { type DisconnectReason, describeDisconnectReason } from './disconnect-reason.js';
import { ConnectionError } from './errors.js';
import type { ConnectionInfo } from './connection-info.js';
import { type IoScheduler, type RegulatedReader, type ScheduledIo } from './io-scheduler.js';
import type { BudgetAccount } from './memory-budget.js';
import { Lease, type Leased } from './lease.js';
import { MovingAverage } from './moving-average.js';
import type { TapSession } from './session-tap.js';
import {
  bindConnectionMetrics,
  countBytesReceived,
  countBytesSent,
  countMessageReceived,
  countMessageSent,
} from './metrics.js';

export interface ConnectionOptions<M> {
  /** The full P2P message encoding, application messages included. */
  readonly messageEncoding: Encoding<P2pMessage<M>>;
  /** Largest message accepted or sent, 4-byte size included (default 100 MiB, Octez's cap). */
  readonly maxMessageSize?: number | undefined;
  /** Bytes per chunk on the wire when sending, 19..65535 (default: 65535, i.e. 65517 of plaintext). */
  readonly binaryChunksSize?: number | undefined;
  /**
   * Decoded messages waiting for `recv`, in bytes, before the socket is paused (default 8 MiB). The
   * queue may exceed it by what one socket read delivers (at most 256 KiB, see shared-buffer-socket.ts;
   * 64 KiB for Node's own reads).
   */
  readonly readQueueSize?: number | undefined;
  /** Message bytes waiting to be encrypted and written before `send` waits and `trySend` fails (default 8 MiB). */
  readonly writeQueueSize?: number | undefined;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 100 * 1024 * 1024;
/**
 * Encrypted bytes handed to the socket and not yet flushed to the kernel before we stop serving this
 * connection. Well above Node's 16 KiB high-water mark, so encryption and the kernel copy overlap.
 */
const SOCKET_WRITE_AHEAD = 1 << 20;
export const DEFAULT_READ_QUEUE_SIZE = 1 << 23;
export const DEFAULT_WRITE_QUEUE_SIZE = 1 << 23;

/** How `onMessage` hands messages over. */
export interface MessageHandlerOptions {
  /**
   * Lend each message instead of giving it: its byte fields (an application message's payload, any
   * bytes its decoder returns as views) are views of a buffer the connection reuses once the handler
   * returns, so copy what you keep. In exchange, receiving allocates no buffer per message: the
   * buffers come from a pool shared by the thread's connections (`LENT_MESSAGE_POOL_SIZE`, 16 MiB idle
   * at most). Default false: the handler owns each message, as `recv`'s caller does.
   */
  readonly lend?: boolean | undefined;
}

/** Per-connection statistics. Byte counts are wire bytes (chunk headers and MACs included). */
export interface ConnectionStat {
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
  /** Bytes per second, moving average (as Octez's `current_inflow`). */
  readonly currentInflow: number;
  readonly currentOutflow: number;
}

/** A `recv` (the message is consumed on delivery) or a `recvLeased` waiting for a message. */
type RecvWaiter<M> =
  | { readonly leased: false; readonly resolve: (m: P2pMessage<M>) => void; readonly reject: (e: Error) => void }
  | {
      readonly leased: true;
      readonly resolve: (l: Leased<P2pMessage<M>>) => void;
      readonly reject: (e: Error) => void;
    };

interface SendWaiter {
  readonly size: number;
  /**
   * The encoded message once admitted: `sendEncoded`'s buffer as given, `send`'s message encoded again,
   * so that a sender waiting for room holds no encoded copy the write budget does not count.
   */
  readonly frame: () => Uint8Array;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

/**
 * An authenticated, encrypted connection (`P2p_socket` after `accept`, as `P2p_conn` uses it).
 *
 * The socket flows while the bandwidth gate is open, decoded-but-unconsumed messages stay under
 * `readQueueSize` and the read budget admits each message as its size arrives; otherwise it is
 * paused, so a slow consumer stops the socket and the TCP window closes — nothing buffers without
 * limit. Writes wait for the write budget, are queued as plaintext and encrypted chunk by chunk when
 * the write scheduler serves the connection (nonces follow queue order), under the upload cap.
 */
export class Connection<M, Meta = unknown> implements MessageSink {
  readonly info: ConnectionInfo<Meta>;
  /** Chosen by the caller's version selection (`undefined` when none was made). */
  readonly negotiatedVersion: NetworkVersion | undefined;

  private readonly encoding: Encoding<P2pMessage<M>>;
  private readonly maxMessageSize: number;
  private readonly perChunk: number;
  private readonly readQueueLimit: number;
  private readonly writeQueueLimit: number;
  private readonly incoming: IncomingMessages;

  /**
   * Decoded messages waiting for `recv`, each followed by the bytes it holds in the read budget: a
   * `Lease` is made only when `recvLeased` hands one out, not for every message queued, and one queue
   * rather than two keeps an idle connection as small as it was.
   */
  private readonly readQueue = new Fifo<P2pMessage<M> | number>();
  private readQueueBytes = 0;
  private readonly recvWaiters = new Fifo<RecvWaiter<M>>();
  /** Set by `onMessage`: messages go to it as they are decoded, and nothing is queued for `recv`. */
  private handler: ((message: P2pMessage<M>) => void) | undefined;
  /**
   * This connection's shares of the scheduler's memory budgets (memory-budget.ts): a received message
   * is admitted when its size arrives and counted until consumed (`recv`, or the `release()` of what
   * `recvLeased` gave); a message queued for sending, until the kernel has its last byte.
   */
  private readonly readAccount: BudgetAccount;
  private readonly writeAccount: BudgetAccount;

  /** Plaintext messages not yet fully written; encrypted chunk by chunk when the scheduler serves us. */
  private readonly writeQueue = new Fifo<Uint8Array>();
  private writeHeadOffset = 0;
  private writeQueueBytes = 0;
  private readonly sendWaiters = new Fifo<SendWaiter>();
  /** Budget callbacks, made on first use: many idle connections never need them. */
  private readBudgetGranted: (() => void) | undefined;
  private writeBudgetGranted: (() => void) | undefined;
  /** The head of `sendWaiters` has asked the write budget for its bytes and waits for them. */
  private awaitingWriteBudget = false;
  /** Created by the first `flush` that has to wait. */
  private flushWaiters: (() => void)[] | undefined;
  private socketWritable = true;

  private bytesSent = 0;
  private bytesReceived = 0;
  private messagesSent = 0;
  private messagesReceived = 0;

  private closeReason: DisconnectReason | undefined;
  /** Set by a graceful `disconnect` while our FIN is in flight: the peer's answering FIN is not "closed by peer". */
  private closingReason: DisconnectReason | undefined;
  private closeError: ConnectionError | undefined;
  readonly closed: Promise<DisconnectReason>;
  private resolveClosed!: (r: DisconnectReason) => void;
  private readonly reader: ReadSide;
  private readonly writeIo: WriteSide;
  private readonly source: ReadSource;

  constructor(
    private readonly socket: ByteStream,
    private readonly sendCipher: ChunkCipher,
    private readonly recvCipher: ChunkCipher,
    info: ConnectionInfo<Meta>,
    private readonly scheduler: IoScheduler,
    options: ConnectionOptions<M>,
    leftover: readonly Uint8Array[],
    negotiatedVersion?: NetworkVersion,
    /** The handshake's session tap (its ciphers already report chunks); ended here when the connection closes. */
    private readonly tap?: TapSession,
  ) {
    this.info = info;
    this.negotiatedVersion = negotiatedVersion;
    this.encoding = options.messageEncoding;
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    this.perChunk = options.binaryChunksSize === undefined ? MAX_CHUNK_PLAINTEXT : options.binaryChunksSize - 18;
    this.readQueueLimit = options.readQueueSize ?? DEFAULT_READ_QUEUE_SIZE;
    this.writeQueueLimit = options.writeQueueSize ?? DEFAULT_WRITE_QUEUE_SIZE;
    this.readAccount = scheduler.memory.read.open();
    this.writeAccount = scheduler.memory.write.open();
    this.incoming = new IncomingMessages(recvCipher, this.maxMessageSize, this);
    this.closed = new Promise((r) => (this.resolveClosed = r));

    this.reader = new ReadSide(this);
    this.writeIo = new WriteSide(this);
    scheduler.register(this.reader, this.writeIo);
    bindConnectionMetrics();

    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
    socket.on('drain', this.onDrain);
    // The handshake hands the stream over, reading or paused: whatever it read beyond the Ack comes
    // first (reads are delivered only from the event loop, later), then reading goes on. Only after
    // the listeners are on: if these bytes are bad, `terminate` must find the listeners to remove, or
    // they would stay on the destroyed socket.
    this.source = readSourceOf(socket);
    this.source.setHandler(this.onData);
    for (const b of leftover) this.onBytes(b, false);
    this.updateFlow();
  }

  /** Bytes are decrypted and decoded as they are read, unless reading is paused by the gates below. */
  private readonly onData = (b: Uint8Array): void => this.onBytes(b, this.source.transient);

  /** `transient`: `b` is overwritten once this returns (a shared read buffer), so what is kept is copied. */
  private onBytes(b: Uint8Array, transient: boolean): void {
    if (this.closeReason !== undefined) return;
    this.scheduler.read.account(this.reader, b.length);
    this.ingest(b, transient);
    this.updateFlow();
  }

  /**
   * The read budget granted the bytes of the message `incoming` stalled on. Called from whoever
   * released them (another connection's consumer, maybe): the work is done on a later microtask.
   */
  private onReadBudget(): void {
    queueMicrotask(() => {
      if (this.closeReason !== undefined) return;
      try {
        this.incoming.resume();
      } catch (e) {
        const err = this.readFailure(e);
        return this.terminate({ kind: 'Read_error', error: err }, err);
      }
      this.updateFlow();
    });
  }

  /**
   * Read only while the bandwidth gate is open, the consumer keeps up and the read budget admitted
   * the last message announced: a stalled reassembly keeps the one socket read in hand, the socket is
   * paused, the kernel buffers and the TCP window closes.
   */
  /** @internal (the read side's `gateChanged`) */
  updateFlow(): void {
    if (this.closeReason !== undefined) return;
    const want = this.scheduler.read.open && this.readQueueBytes < this.readQueueLimit && !this.incoming.stalled;
    if (want) this.source.resume();
    else this.source.pause();
  }
  private readonly onDrain = (): void => {
    this.socketWritable = true;
    this.scheduler.write.notify(this.writeIo);
  };

  private onWritten(backing: Buffer, completed: number): void {
    writeBufferPool.give(backing);
    this.writeAccount.release(completed);
    if (!this.socketWritable && this.closeReason === undefined && this.socket.writableLength < SOCKET_WRITE_AHEAD) {
      this.socketWritable = true;
      this.scheduler.write.notify(this.writeIo);
    }
  }
  private readonly onEnd = (): void => {
    if (this.closeReason === undefined) {
      // Bytes still buffered by the socket are decoded before the close takes effect.
      for (
        let b = this.socket.read() as Buffer | null;
        b !== null && this.closeReason === undefined;
        b = this.socket.read() as Buffer | null
      )
        this.ingest(b, false);
      if (this.closingReason !== undefined) return this.terminate(this.closingReason, undefined);
      this.terminate(
        { kind: 'Connection_closed_by_peer' },
        ConnectionError.expected('CONNECTION_CLOSED', 'the peer closed the connection', { peerId: this.info.peerId }),
      );
    }
  };
  private readonly onError = (e: Error): void => {
    const err = new ConnectionError('SOCKET_ERROR', `socket error: ${e.message}`, {
      peerId: this.info.peerId,
      cause: e,
    });
    this.terminate({ kind: 'Read_error', error: err }, err);
  };

  // ---- reading ----

  private ingest(bytes: Uint8Array, transient: boolean): void {
    this.bytesReceived += bytes.length;
    countBytesReceived(bytes.length);
    if (this.closeReason !== undefined) return;
    try {
      this.incoming.push(bytes, transient);
    } catch (e) {
      const err = this.readFailure(e);
      this.terminate({ kind: 'Read_error', error: err }, err);
    }
  }

  private readFailure(e: unknown): ConnectionError {
    if (e instanceof ConnectionError && e.peerId === this.info.peerId) return e;
    if (e instanceof ConnectionError)
      return new ConnectionError(e.code, e.message, { peerId: this.info.peerId, cause: e });
    if (e instanceof DecodeError) {
      if (e.code === 'SIZE_LIMIT_EXCEEDED')
        return new ConnectionError('MESSAGE_TOO_LARGE', `incoming message: ${e.message}`, {
          peerId: this.info.peerId,
          cause: e,
        });
      return new ConnectionError('DECODING_ERROR', `incoming message: ${e.message}`, {
        peerId: this.info.peerId,
        cause: e,
      });
    }
    return new ConnectionError('DECODING_ERROR', `incoming message: ${String(e)}`, {
      peerId: this.info.peerId,
      cause: e,
    });
  }

  /**
   * @internal (MessageSink) A message's size was read: reserve its bytes in the read budget, or stall
   * until they are granted (the callback is made once, with the first message that has to wait).
   */
  admitMessage(size: number): boolean {
    return this.readAccount.reserve(size, (this.readBudgetGranted ??= () => this.onReadBudget()));
  }

  /**
   * @internal (MessageSink) A whole message, its bytes already reserved by the read budget
   * (`frame.length` of them). True when it went to a lending handler, which is done with it.
   */
  deliverFrame(frame: Uint8Array): boolean {
    const msg = decode(this.encoding, frame);
    this.messagesReceived++;
    countMessageReceived(frame);
    // A closed connection's read account admits nothing more (reassembly stalls at the next size), so
    // no message reaches a handler after it closed the connection, even from the read in hand.
    const handler = this.handler;
    if (handler !== undefined) {
      // The mode of the handler that gets this message decides whether its frame may be reused.
      const lent = this.incoming.lend;
      try {
        handler(msg);
      } catch (e) {
        throw new ConnectionError('MESSAGE_HANDLER_FAILED', `the message handler threw: ${String(e)}`, {
          peerId: this.info.peerId,
          cause: e,
        });
      } finally {
        this.readAccount.release(frame.length);
      }
      return lent;
    }
    const w = this.recvWaiters.shift();
    if (w !== undefined && !w.leased) {
      // Consumed on the spot: no lease to make.
      this.readAccount.release(frame.length);
      w.resolve(msg);
      return false;
    }
    if (w !== undefined) {
      w.resolve(new Lease(msg, frame.length, this.readAccount));
      return false;
    }
    this.readQueue.push(msg);
    this.readQueue.push(frame.length);
    this.readQueueBytes += frame.length;
    return false;
  }

  /**
   * Receive by callback: every message goes to `handler` as soon as it is decoded, synchronously and in
   * order, and leaves the read budget when the handler returns; nothing is queued for `recv`. Messages
   * already queued go to it first, before this returns (if it throws on one, so does this, and the
   * handler is not set). With `{ lend: true }` the messages are lent
   * (see `MessageHandlerOptions.lend`). Returns a function that stops it; later messages queue for
   * `recv` again.
   *
   * One consumer at a time: a second handler, or a handler while a `recv` waits, is a
   * `RECEIVER_CONFLICT`, as is a `recv` while a handler is set. A handler that throws closes the
   * connection (`Read_error`, `MESSAGE_HANDLER_FAILED`, the thrown value as `cause`): the message was not
   * handled, and the next ones would be handled without it. Once the connection is closed, no more
   * messages reach the handler.
   */
  onMessage(handler: (message: P2pMessage<M>) => void, options: MessageHandlerOptions = {}): () => void {
    if (this.handler !== undefined) throw this.receiverConflict('this connection already has a message handler');
    if (this.recvWaiters.length > 0) throw this.receiverConflict('a recv is waiting on this connection');
    for (let m = this.tryRecv(); m !== undefined; m = this.tryRecv()) handler(m);
    this.handler = handler;
    // IncomingMessages allocates from the lent pool while this is set; it is also the handler's mode.
    this.incoming.lend = options.lend === true;
    return () => {
      if (this.handler !== handler) return;
      this.handler = undefined;
      this.incoming.lend = false;
    };
  }

  private receiverConflict(why = 'this connection hands its messages to a handler (onMessage)'): ConnectionError {
    return new ConnectionError('RECEIVER_CONFLICT', why, { peerId: this.info.peerId });
  }

  /** Next message; waits for one. Rejects once the connection is closed and the queue is empty. */
  recv(): Promise<P2pMessage<M>> {
    const m = this.tryRecv();
    if (m !== undefined) return Promise.resolve(m);
    if (this.handler !== undefined) return Promise.reject(this.receiverConflict());
    if (this.closeReason !== undefined) return Promise.reject(this.closedError());
    return new Promise((resolve, reject) => this.recvWaiters.push({ leased: false, resolve, reject }));
  }

  /** Next queued message, or `undefined` without waiting. */
  tryRecv(): P2pMessage<M> | undefined {
    const m = this.readQueue.shift() as P2pMessage<M> | undefined;
    if (m === undefined) return undefined;
    this.readAccount.release(this.dequeued());
    return m;
  }

  /**
   * `recv`, but the message stays accounted by the read budget until the caller's `release()`: for a
   * consumer that keeps it (a queue, a reply waiting for room), so that what it holds is bounded too.
   */
  recvLeased(): Promise<Leased<P2pMessage<M>>> {
    const l = this.tryRecvLeased();
    if (l !== undefined) return Promise.resolve(l);
    if (this.handler !== undefined) return Promise.reject(this.receiverConflict());
    if (this.closeReason !== undefined) return Promise.reject(this.closedError());
    return new Promise((resolve, reject) => this.recvWaiters.push({ leased: true, resolve, reject }));
  }

  tryRecvLeased(): Leased<P2pMessage<M>> | undefined {
    const m = this.readQueue.shift() as P2pMessage<M> | undefined;
    if (m === undefined) return undefined;
    return new Lease(m, this.dequeued(), this.readAccount);
  }

  /** The head of the read queue was taken: its bytes leave the queue (still in the read budget); returns them. */
  private dequeued(): number {
    const bytes = this.readQueue.shift() as number;
    const wasFull = this.readQueueBytes >= this.readQueueLimit;
    this.readQueueBytes -= bytes;
    if (wasFull && this.readQueueBytes < this.readQueueLimit) this.updateFlow();
    return bytes;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<P2pMessage<M>> {
    for (;;) {
      try {
        yield await this.recv();
      } catch (e) {
        if (e instanceof ConnectionError && (e.code === 'CONNECTION_CLOSED' || e.code === 'CONNECTION_CLOSED_LOCALLY'))
          return;
        throw e;
      }
    }
  }

  // ---- writing ----

  /** Encode `msg`; typed errors for unencodable or oversized messages. */
  encodeMessage(msg: P2pMessage<M>): Uint8Array {
    let plain: Uint8Array;
    try {
      plain = encode(this.encoding, msg);
    } catch (e) {
      throw new ConnectionError(
        'ENCODING_ERROR',
        `cannot encode ${msg.kind}: ${e instanceof EncodeError ? e.message : String(e)}`,
        { cause: e },
      );
    }
    return plain;
  }

  private checkPlain(plain: Uint8Array): void {
    if (plain.length > this.maxMessageSize)
      throw new ConnectionError(
        'MESSAGE_TOO_LARGE',
        `message of ${plain.length} bytes exceeds the ${this.maxMessageSize}-byte cap`,
      );
    if (this.closeReason !== undefined) throw this.closedError();
  }

  private hasRoom(size: number): boolean {
    return this.writeQueueBytes === 0 || this.writeQueueBytes + size <= this.writeQueueLimit;
  }

  /** Room in the queue and in the write budget now, nobody waiting ahead: reserves the bytes. */
  private admitNow(size: number): boolean {
    return this.sendWaiters.length === 0 && this.hasRoom(size) && this.writeAccount.tryReserve(size);
  }

  /**
   * Queue waiting senders in order while there is room: first in the queue (`writeQueueSize`), then in
   * the write budget — which may answer later (`onWriteBudget`), the head keeping its turn meanwhile.
   */
  private pumpSends(): void {
    while (!this.awaitingWriteBudget && this.sendWaiters.length > 0) {
      const w = this.sendWaiters.peek()!;
      if (!this.hasRoom(w.size)) return;
      if (!this.writeAccount.reserve(w.size, (this.writeBudgetGranted ??= () => this.onWriteBudget()))) {
        this.awaitingWriteBudget = true;
        return;
      }
      this.admitted(this.sendWaiters.shift()!);
    }
  }

  private onWriteBudget(): void {
    this.awaitingWriteBudget = false;
    this.admitted(this.sendWaiters.shift()!);
    this.pumpSends();
  }

  /** `w`'s bytes are reserved: queue its message. */
  private admitted(w: SendWaiter): void {
    let plain: Uint8Array;
    try {
      plain = w.frame();
      if (plain.length !== w.size)
        throw new ConnectionError(
          'ENCODING_ERROR',
          `the message changed while waiting to be sent (${w.size} then ${plain.length} bytes)`,
        );
    } catch (e) {
      this.writeAccount.release(w.size);
      return w.reject(e instanceof Error ? e : new Error(String(e)));
    }
    this.enqueue(plain);
    w.resolve();
  }

  private waitToSend(size: number, frame: () => Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sendWaiters.push({ size, frame, resolve, reject });
      this.pumpSends();
    });
  }

  private enqueue(plain: Uint8Array): void {
    this.writeQueue.push(plain);
    this.writeQueueBytes += plain.length;
    this.messagesSent++;
    countMessageSent(plain);
    this.scheduler.write.notify(this.writeIo);
  }

  /**
   * Queue a message; waits while the write queue is full (`P2p_socket.write`) or the write budget has
   * no room. While it waits, only `msg` is held (encoded again once admitted).
   */
  send(msg: P2pMessage<M>): Promise<void> {
    let plain: Uint8Array;
    try {
      plain = this.encodeMessage(msg);
      this.checkPlain(plain);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.admitNow(plain.length)) {
      this.enqueue(plain);
      return Promise.resolve();
    }
    return this.waitToSend(plain.length, () => this.encodeMessage(msg));
  }

  /** Queue a message if there is room now (`write_now`); `false` when the queue is full. */
  trySend(msg: P2pMessage<M>): boolean {
    return this.trySendEncoded(this.encodeMessage(msg));
  }

  /** `send` for an already encoded P2P message (a broadcast encodes once for every connection). */
  sendEncoded(plain: Uint8Array): Promise<void> {
    try {
      this.checkPlain(plain);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.admitNow(plain.length)) {
      this.enqueue(plain);
      return Promise.resolve();
    }
    return this.waitToSend(plain.length, () => plain);
  }

  trySendEncoded(plain: Uint8Array): boolean {
    this.checkPlain(plain);
    if (!this.admitNow(plain.length)) return false;
    this.enqueue(plain);
    return true;
  }

  /**
   * Encrypt up to about `max` plaintext bytes from the head of the queue — whole chunks, a message
   * never sharing a chunk with the next, as Octez writes — into one buffer and write it at once. A
   * message leaves the write budget once the kernel has its last byte: until then its plaintext is
   * still referenced (head of the queue) or its ciphertext is in the socket's buffer.
   */
  /** @internal (the write side's `ready`) */
  writeReady(): boolean {
    return this.closeReason === undefined && this.socketWritable && this.writeQueue.length > 0;
  }

  /** @internal (the write side's `serve`) */
  serveWrite(max: number): number {
    let planned = 0;
    let outSize = 0;
    for (let i = 0, off = this.writeHeadOffset; i < this.writeQueue.length && planned < max; i++, off = 0) {
      const m = this.writeQueue.at(i)!;
      for (let at = off; at < m.length && planned < max; at += this.perChunk) {
        const piece = Math.min(this.perChunk, m.length - at);
        planned += piece;
        outSize += CHUNK_HEADER + TAG_LENGTH + piece;
      }
    }
    if (outSize === 0) return 0;
    // Uninitialised: every byte is written by the chunk encryption below.
    const backing = writeBufferPool.take(outSize);
    // A plain Uint8Array view: each chunk's seal takes views of it, and Buffer's subarray is slow.
    const out = new Uint8Array(backing.buffer, backing.byteOffset, outSize);
    let written = 0;
    let taken = 0;
    let completed = 0;
    while (taken < planned) {
      const m = this.writeQueue.peek()!;
      const at = this.writeHeadOffset;
      const piece = Math.min(this.perChunk, m.length - at);
      // A message in one chunk is sealed as it is: no view to make.
      const plain = piece === m.length ? m : m.subarray(at, at + piece);
      written += this.sendCipher.sealChunkInto(plain, out, written);
      taken += piece;
      if (at + piece === m.length) {
        this.writeQueue.shift();
        this.writeHeadOffset = 0;
        completed += m.length;
      } else this.writeHeadOffset = at + piece;
    }
    this.socket.write(out, this.onWritten.bind(this, backing, completed));
    this.socketWritable = this.socket.writableLength < SOCKET_WRITE_AHEAD;
    this.bytesSent += out.length;
    countBytesSent(out.length);
    this.writeQueueBytes -= taken;
    this.pumpSends();
    if (this.flushWaiters !== undefined && this.writeQueue.length === 0 && this.sendWaiters.length === 0) {
      const ws = this.flushWaiters;
      this.flushWaiters = undefined;
      for (const f of ws) f();
    }
    return out.length;
  }

  /** Resolves once everything queued so far has been handed to the socket. */
  flush(): Promise<void> {
    if (this.closeReason !== undefined) return Promise.reject(this.closedError());
    if (this.writeQueue.length === 0 && this.sendWaiters.length === 0) return Promise.resolve();
    return new Promise((resolve) => (this.flushWaiters ??= []).push(resolve));
  }

  // ---- lifecycle ----

  get isClosed(): boolean {
    return this.closeReason !== undefined;
  }

  get disconnectReason(): DisconnectReason | undefined {
    return this.closeReason;
  }

  private closedError(): ConnectionError {
    return (
      this.closeError ??
      ConnectionError.expected(
        'CONNECTION_CLOSED_LOCALLY',
        `connection closed (${describeDisconnectReason(this.closeReason ?? { kind: 'Unknown_reason' })})`,
        { peerId: this.info.peerId },
      )
    );
  }

  private terminate(reason: DisconnectReason, error: ConnectionError | undefined): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    this.closeError = error;
    this.scheduler.unregister(this.reader, this.writeIo);
    this.source.setHandler(undefined);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('drain', this.onDrain);
    // Keep an error listener: a late socket error must not become an uncaught exception.
    this.socket.off('error', this.onError);
    this.socket.on('error', () => undefined);
    this.socket.destroy();
    const err = this.closedError();
    for (const w of this.recvWaiters.clear()) w.reject(err);
    for (const w of this.sendWaiters.clear()) w.reject(err);
    const flushed = this.flushWaiters ?? [];
    this.flushWaiters = undefined;
    for (const f of flushed) f();
    this.writeQueue.clear();
    this.writeHeadOffset = 0;
    this.writeQueueBytes = 0;
    this.awaitingWriteBudget = false;
    // Messages still queued for `recv` stay readable, no longer accounted: a closed connection takes
    // no more bytes, and its queue goes once nobody holds the connection.
    this.readAccount.close();
    this.writeAccount.close();
    this.tap?.end(describeDisconnectReason(reason), error?.code);
    this.resolveClosed(reason);
  }

  /** Close now; queued writes are dropped. Messages already received stay readable. */
  close(reason: DisconnectReason = { kind: 'Unknown_reason' }): void {
    this.terminate(reason, undefined);
  }

  /**
   * `P2p_conn.disconnect ?wait`: with `wait`, what is queued is written first (bounded by
   * `timeoutMs`, default 3 s as Octez's scheduler shutdown), then the socket is closed.
   */
  async disconnect(opts: { wait?: boolean; reason?: DisconnectReason; timeoutMs?: number } = {}): Promise<void> {
    const reason = opts.reason ?? { kind: 'Unknown_reason' };
    if (opts.wait && this.closeReason === undefined) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.flush().catch(() => undefined),
        new Promise<void>((r) => (timer = setTimeout(r, opts.timeoutMs ?? 3000))),
      ]);
      clearTimeout(timer);
      if (this.closeReason === undefined) {
        this.closingReason = reason;
        await new Promise<void>((r) => this.socket.end(() => r()));
      }
    }
    this.close(reason);
  }

  stat(): ConnectionStat {
    return {
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      messagesSent: this.messagesSent,
      messagesReceived: this.messagesReceived,
      currentInflow: this.reader.counter.average,
      currentOutflow: this.writeIo.counter.average,
    };
  }

  /** Messages received and not yet consumed, and their bytes. */
  get queuedIncoming(): { messages: number; bytes: number } {
    return { messages: this.readQueue.length >>> 1, bytes: this.readQueueBytes };
  }

  /** Message bytes waiting to be encrypted and written. */
  get queuedOutgoing(): number {
    return this.writeQueueBytes;
  }
}

/**
 * A connection's reading side as the scheduler sees it. Classes rather than object literals of
 * closures: an idle connection is mostly these small objects, and a method costs nothing per instance.
 */
class ReadSide implements RegulatedReader {
  quota = 0;
  readonly counter = new MovingAverage();
  constructor(private readonly conn: { updateFlow(): void }) {}
  gateChanged(): void {
    this.conn.updateFlow();
  }
}

class WriteSide implements ScheduledIo {
  quota = 0;
  readonly counter = new MovingAverage();
  constructor(private readonly conn: { writeReady(): boolean; serveWrite(max: number): number }) {}
  ready(): boolean {
    return this.conn.writeReady();
  }
  serve(max: number): number {
    return this.conn.serveWrite(max);
  }
}
