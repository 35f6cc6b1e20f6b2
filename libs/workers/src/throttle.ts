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
  /** A field per kind rather than a Map: every connection that handles a protocol message has one. */
  private readonly lastHandled: Record<ThrottledKind, number> = {
    advertise: Number.NEGATIVE_INFINITY,
    bootstrap: Number.NEGATIVE_INFINITY,
    swapRequest: Number.NEGATIVE_INFINITY,
    swapAck: Number.NEGATIVE_INFINITY,
  };

  constructor(
    private readonly clock: Clock,
    private readonly cooldowns: Record<ThrottledKind, number> = PROTOCOL_COOLDOWNS_MS,
  ) {}

  /**
   * `signal` may be given as a function, called only when there is a wait: a connection then makes its
   * abort signal (an EventTarget, ~1 KiB) only if a message of its ever has to wait.
   */
  async wait(kind: ThrottledKind, signal: AbortSignal | (() => AbortSignal)): Promise<void> {
    const cooldown = this.cooldowns[kind];
    if (this.clock.now() - this.lastHandled[kind] < cooldown)
      await sleep(this.clock, cooldown, typeof signal === 'function' ? signal() : signal);
    this.lastHandled[kind] = this.clock.now();
  }
}
