/**
 * The blacklists: OCaml `Hashtbl`s of unit filled with `Hashtbl.add`, which stacks one binding per
 * call, and emptied by `Hashtbl.remove`, which drops only the most recent binding. So an address banned
 * twice stays banned after one unban, as in Octez; a count per key reproduces that exactly.
 */
export class BindingTable<K> {
  // Map keeps first-insertion order, which gives the listings a stable order.
  private readonly counts = new Map<K, number>();

  add(k: K): void {
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  remove(k: K): void {
    const n = this.counts.get(k);
    if (n === undefined) return;
    if (n <= 1) this.counts.delete(k);
    else this.counts.set(k, n - 1);
  }

  has(k: K): boolean {
    return this.counts.has(k);
  }

  /** Number of bindings of k (how many `remove`s it takes to clear it). */
  bindings(k: K): number {
    return this.counts.get(k) ?? 0;
  }

  clear(): void {
    this.counts.clear();
  }

  /** Number of distinct keys bound. */
  get size(): number {
    return this.counts.size;
  }

  /** Distinct keys, each once. */
  keys(): K[] {
    return [...this.counts.keys()];
  }
}
