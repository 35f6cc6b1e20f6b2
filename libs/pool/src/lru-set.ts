/** A set of bounded size evicting the least recently used (Octez's `Point_LRU_set` of own points). */
export class LruSet<K> {
  private readonly items = new Map<K, true>();

  constructor(readonly capacity: number) {}

  add(k: K): void {
    this.items.delete(k);
    this.items.set(k, true);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value as K);
  }

  has(k: K): boolean {
    if (!this.items.has(k)) return false;
    this.add(k);
    return true;
  }

  get size(): number {
    return this.items.size;
  }
}
