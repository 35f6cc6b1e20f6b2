import { CodedError } from '@tezos-p2p/encoding';
export class ConsumerOverflowError extends CodedError<'CONSUMER_OVERFLOW'> {
  override readonly name = 'ConsumerOverflowError';
  readonly code = 'CONSUMER_OVERFLOW';
}

/**
 * A bounded, asynchronous view of a synchronous stream for consumers that may fall behind (RPC
 * streams): producers never wait on it and memory stays at `capacity` items. One overflow policy: an
 * item offered to a full buffer ends the consumer with `ConsumerOverflowError` (a stream that must be
 * complete or nothing, such as `/network/log`); `overflows` counts it.
 */
export class BoundedConsumer<T> implements AsyncIterable<T> {
  private readonly buffer: (T | undefined)[];
  private head = 0;
  private size = 0;
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void } | undefined;
  private ended = false;
  private failure: Error | undefined;
  /** Items offered to a full buffer (then the consumer is ended: at most 1). */
  overflows = 0;

  constructor(
    readonly capacity: number,
    private readonly onClose: () => void = () => undefined,
  ) {
    if (!(Number.isInteger(capacity) && capacity > 0))
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.buffer = new Array(capacity);
  }

  get buffered(): number {
    return this.size;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Called synchronously by the producer. */
  offer(item: T): void {
    if (this.ended) return;
    const w = this.waiter;
    if (w && this.size === 0) {
      this.waiter = undefined;
      w.resolve({ value: item, done: false });
      return;
    }
    if (this.size === this.capacity) {
      this.overflows++;
      this.fail(new ConsumerOverflowError(`consumer fell ${this.capacity} items behind`));
      return;
    }
    this.buffer[(this.head + this.size) % this.capacity] = item;
    this.size++;
  }

  private take(): T {
    const item = this.buffer[this.head] as T;
    this.buffer[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
    return item;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) return Promise.resolve({ value: this.take(), done: false });
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** Stop consuming; buffered items are dropped. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.size = 0;
    this.buffer.fill(undefined);
    this.waiter?.resolve({ value: undefined, done: true });
    this.waiter = undefined;
    this.onClose();
  }

  /** End after the buffered items have been consumed (the source completed). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.size === 0) {
      this.waiter?.resolve({ value: undefined, done: true });
      this.waiter = undefined;
    }
    this.onClose();
  }

  private fail(e: Error): void {
    this.failure = e;
    this.ended = true;
    this.size = 0;
    this.buffer.fill(undefined);
    this.waiter?.reject(e);
    this.waiter = undefined;
    this.onClose();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.next(), return: async () => (this.close(), { value: undefined, done: true }) };
  }
}
