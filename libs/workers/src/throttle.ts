import { type Clock, sleep } from '@tezos-p2p/events';

/** Per connection and per kind, the least time between two handled messages (`P2p_protocol.throttler`). */
export const PROTOCOL_COOLDOWNS_MS = Object.freeze({
  advertise: 100,
  bootstrap: 100,
  swapRequest: 60_000,
  swapAck: 60_000,
});

export type ThrottledKind = keyof typeof PROTOCOL_COOLDOWNS_MS;

/**
 * Octez v25's protocol throttling: a message arriving within its cooldown of the previous one of the
 * same kind is delayed by the full cooldown (never dropped), and since the connection handles its
 * messages one at a time, everything behind it waits too.
 */
export class Throttle {
  private readonly lastHandled = new Map<ThrottledKind, number>();

  constructor(
    private readonly clock: Clock,
    private readonly cooldowns: Record<ThrottledKind, number> = PROTOCOL_COOLDOWNS_MS,
  ) {}

  async wait(kind: ThrottledKind, signal: AbortSignal): Promise<void> {
    const last = this.lastHandled.get(kind) ?? Number.NEGATIVE_INFINITY;
    const cooldown = this.cooldowns[kind];
    if (this.clock.now() - last < cooldown) await sleep(this.clock, cooldown, signal);
    this.lastHandled.set(kind, this.clock.now());
  }
}
