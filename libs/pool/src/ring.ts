import { type Observable, Subject } from 'rxjs';

/**
 * The last `capacity` items, oldest first (Octez's per-point and per-peer event rings hold 100), with
 * a watcher as `P2p_point_state.Info.watch` / `P2p_peer_state.Info.watch`: every item pushed is also
 * sent to whoever watches, so an RPC monitor never diffs or polls.
 */
export class Ring<T> {
  private readonly items: T[] = [];
  /** Created on first watch: the thousands of points nobody monitors pay nothing for it. */
  private pushed: Subject<T> | undefined;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
    this.pushed?.next(item);
  }

  toArray(): T[] {
    return [...this.items];
  }

  /** Each item pushed after the call, synchronously as it is pushed. */
  watch(): Observable<T> {
    this.pushed ??= new Subject<T>();
    return this.pushed.asObservable();
  }

  get length(): number {
    return this.items.length;
  }
}

export const EVENT_LOG_SIZE = 100;
