/**
 * A queue with O(1) push and shift (Array.prototype.shift is O(n) on large arrays): a ring over an
 * array whose capacity is a power of two. A busy connection queues and drains hundreds of messages
 * per socket read; the ring reuses its slots instead of growing an array and slicing off the dead
 * prefix each round (an allocation and a copy every few hundred messages).
 */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = item;
    this.size++;
  }

  peek(): T | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  /** The item at `i` positions from the head. */
  at(i: number): T | undefined {
    return i >= 0 && i < this.size ? this.items[(this.head + i) & (this.items.length - 1)] : undefined;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    // Emptied after a burst: give the large array back (a small one is kept for the next round).
    if (--this.size === 0 && this.items.length > MAX_KEPT_CAPACITY) this.items = [];
    return item;
  }

  clear(): T[] {
    const rest: T[] = [];
    for (let i = 0; i < this.size; i++) rest.push(this.items[(this.head + i) & (this.items.length - 1)]!);
    this.items = [];
    this.head = 0;
    this.size = 0;
    return rest;
  }

  private grow(): void {
    const capacity = this.items.length;
    const next = new Array<T | undefined>(capacity === 0 ? 8 : capacity * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) & (capacity - 1)];
    this.items = next;
    this.head = 0;
  }
}

/** Slots an empty queue keeps (16 KiB of pointers): enough for a 64 KiB read of small messages. */
const MAX_KEPT_CAPACITY = 2048;
