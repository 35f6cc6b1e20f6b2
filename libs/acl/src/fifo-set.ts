import { AclError } from './errors.js';

/**
 * A bounded set with Octez's `Aches.Vache.Set (FIFO_Precise) (Strong)` semantics (before Aches, Ringo's
 * `set_maker ~replacement:FIFO ~overflow:Strong ~accounting:Precise`), as the peer greylist and the IP
 * listing use it:
 * - `add` of a new element into a full set evicts the least recently *added* one;
 * - `add` of an element already present makes it the newest (no eviction, the size is unchanged);
 * - `has` does not promote (checked by Octez's `test_p2p_peerset.ml test_LRU_overflow`);
 * - `remove` frees the slot at once (precise accounting).
 *
 * Iteration goes from oldest to newest, which is the order of Octez's listings
 * (`fold (fun e acc -> e :: acc)` over a fold documented as newest to oldest).
 */
export class FifoSet<T> implements Iterable<T> {
  readonly capacity: number;
  // A JS Set iterates in insertion order: delete + add moves an element to the newest end.
  private readonly items = new Set<T>();

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) {
      throw new AclError('INVALID_ACL_CONFIG', `a FIFO set needs a positive integer capacity, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  get length(): number {
    return this.items.size;
  }

  has(x: T): boolean {
    return this.items.has(x);
  }

  /** Insert or promote x; returns the element evicted to make room, if any. */
  add(x: T): T | undefined {
    if (this.items.delete(x)) {
      this.items.add(x);
      return undefined;
    }
    let evicted: T | undefined;
    if (this.items.size >= this.capacity) {
      const oldest = this.items.values().next();
      if (!oldest.done) {
        evicted = oldest.value;
        this.items.delete(evicted);
      }
    }
    this.items.add(x);
    return evicted;
  }

  remove(x: T): boolean {
    return this.items.delete(x);
  }

  clear(): void {
    this.items.clear();
  }

  /** Oldest first. */
  values(): IterableIterator<T> {
    return this.items.values();
  }

  [Symbol.iterator](): IterableIterator<T> {
    return this.items.values();
  }
}
