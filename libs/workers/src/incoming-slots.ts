import { type Point, addressGroup } from '@tezos-p2p/wire';

/** One incoming handshake holding a slot, from `accept` until its handshake settles. */
export interface IncomingSlot {
  /** The socket's remote point. */
  readonly point: Point;
  readonly group: string;
  /** Admission order: the lowest is the oldest. */
  readonly seq: number;
  readonly controller: AbortController;
}

/** Why a socket gets no slot. */
export type SlotRefusal = 'too_many_incoming' | 'too_many_incoming_from_address';

export type SlotDecision =
  | { readonly kind: 'free' }
  /** The table is full: admitting means cancelling `victim` first. */
  | { readonly kind: 'evict'; readonly victim: IncomingSlot }
  | { readonly kind: 'refused'; readonly reason: SlotRefusal };

export interface SlotLimits {
  /** Octez's `max_incoming_connections`: slots in all. */
  readonly max: number;
  /** Slots one source (`addressGroup`: an IPv4 address or an IPv6 /64) may hold at once. */
  readonly perAddress: number;
}

/**
 * The pending incoming handshakes, by source. Octez caps them globally only (20), so one address
 * holding 20 silent sockets (each replaced when the authentication timeout closes it) keeps every
 * other peer out. Here one source holds at most `perAddress` slots; and when all `max` slots are
 * taken, a newcomer may take the oldest slot of the source holding the most, if that source holds
 * at least two more than the newcomer's — so sources converge to equal shares (each such eviction
 * strictly lowers the sum of the squared shares: no two sources can evict each other back and forth),
 * and only an attacker with `max` distinct sources can still fill the table, as in Octez.
 */
export class IncomingSlots {
  private readonly groups = new Map<string, IncomingSlot[]>();
  private count = 0;
  private seq = 0;

  constructor(private readonly limits: SlotLimits) {}

  get size(): number {
    return this.count;
  }

  /** Slots held by the source of `ip`. */
  heldBy(ip: string): number {
    return this.groups.get(addressGroup(ip))?.length ?? 0;
  }

  /** What admitting a socket from `ip` would take; changes nothing. */
  decide(ip: string): SlotDecision {
    const mine = this.heldBy(ip);
    if (mine >= this.limits.perAddress) return { kind: 'refused', reason: 'too_many_incoming_from_address' };
    if (this.count < this.limits.max) return { kind: 'free' };
    let largest: IncomingSlot[] | undefined;
    for (const slots of this.groups.values()) {
      if (
        largest === undefined ||
        slots.length > largest.length ||
        (slots.length === largest.length && slots[0]!.seq < largest[0]!.seq)
      )
        largest = slots;
    }
    return largest !== undefined && largest.length >= mine + 2
      ? { kind: 'evict', victim: largest[0]! }
      : { kind: 'refused', reason: 'too_many_incoming' };
  }

  /** Take a slot for `point` (after `decide` said `free`, or its victim was released). */
  take(point: Point, controller: AbortController): IncomingSlot {
    const slot: IncomingSlot = { point, group: addressGroup(point.ip), seq: this.seq++, controller };
    const slots = this.groups.get(slot.group);
    if (slots === undefined) this.groups.set(slot.group, [slot]);
    else slots.push(slot);
    this.count++;
    return slot;
  }

  /** Free a slot; false when it was already freed (an evicted handshake settling later). */
  release(slot: IncomingSlot): boolean {
    const slots = this.groups.get(slot.group);
    const i = slots?.indexOf(slot) ?? -1;
    if (i < 0) return false;
    slots!.splice(i, 1);
    if (slots!.length === 0) this.groups.delete(slot.group);
    this.count--;
    return true;
  }

  /** Every slot held, oldest first within each source. */
  *held(): IterableIterator<IncomingSlot> {
    for (const slots of this.groups.values()) yield* slots;
  }
}
