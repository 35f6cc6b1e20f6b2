import { type Observable, Subject } from 'rxjs';

/**
 * The last `capacity` items, oldest first (Octez's per-point and per-peer event rings hold 100), with
 * a watcher as `P2p_point_state.Info.watch` / `P2p_peer_state.Info.watch`: every item pushed is also
 * sent to whoever watches, so an RPC monitor never diffs or polls.
 *
 * A circular buffer whose storage doubles as items come, up to `capacity`: a connected peer logs two
 * events, and a pushed-to array would reserve 17 slots for them (an array grows by half plus 16).
 */
export class Ring<T> {
  private buffer: T[] = [];
  /** Index of the oldest item in `buffer`. */
  private head = 0;
  private count = 0;
  /** Created on first watch: the thousands of points nobody monitors pay nothing for it. */
  private pushed: Subject<T> | undefined;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    if (this.capacity > 0) this.store(item);
    this.pushed?.next(item);
  }

  private store(item: T): void {
    const size = this.buffer.length;
    if (this.count < size) {
      this.buffer[(this.head + this.count) % size] = item;
      this.count++;
    } else if (size < this.capacity) {
      // Full below capacity: a larger buffer, items in order from index 0.
      const grown = new Array<T>(Math.min(Math.max(2 * size, 2), this.capacity));
      for (let i = 0; i < this.count; i++) grown[i] = this.buffer[(this.head + i) % size]!;
      grown[this.count++] = item;
      this.buffer = grown;
      this.head = 0;
    } else {
      // Full at capacity: the oldest item makes room.
      this.buffer[this.head] = item;
      this.head = (this.head + 1) % size;
    }
  }

  toArray(): T[] {
    const size = this.buffer.length;
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.buffer[(this.head + i) % size]!;
    return out;
  }

  /** Each item pushed after the call, synchronously as it is pushed. */
  watch(): Observable<T> {
    this.pushed ??= new Subject<T>();
    return this.pushed.asObservable();
  }

  get length(): number {
    return this.count;
  }
}

export const EVENT_LOG_SIZE = 100;
