import type { Clock, TimerHandle } from '@tezos-p2p/events';

/**
 * Runs `save` every `intervalMs` until `stop`. Octez writes peers.json only at shutdown, so a killed
 * node loses every peer it learnt; saving while running bounds that loss to one interval. `save`
 * decides whether anything changed and must not throw (a timer callback has nobody to throw to).
 */
export class PeersAutosave {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly save: () => void,
  ) {
    this.schedule();
  }

  // Re-armed after each save, so a slow disk never stacks saves.
  private schedule(): void {
    const h = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.save();
      if (!this.stopped) this.schedule();
    }, this.intervalMs);
    // On the system clock the saves alone must not keep the process alive.
    h.unref();
    this.timer = h;
  }

  /** Idempotent. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
