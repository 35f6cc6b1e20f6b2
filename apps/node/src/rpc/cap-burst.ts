/** How a burst of refusals ended, for its closing log line. */
export interface BurstSummary {
  /** Connections refused from the burst's first refusal to its end. */
  readonly refused: number;
  /** Times a key (a client address; one key for the total cap) reached the cap during the burst. */
  readonly saturations: number;
  readonly durationMs: number;
}

/**
 * Count at which a saturated key stops counting as saturated: a quarter below the cap, so that a
 * count hovering at the cap (a client reconnecting as soon as one of its sockets closes) is one
 * burst, not one per socket.
 */
export function burstLowWater(cap: number): number {
  return cap - Math.floor(cap / 4);
}

/**
 * Refusals at a connection cap, grouped in bursts so that they are logged once each: `onStart` at
 * the first refusal, `onEnd` with the totals once every key refused during the burst is back under
 * `burstLowWater(cap)`. Pure bookkeeping: the caller reports counts, `now` is the only clock.
 */
export class RefusalBurst {
  private readonly saturated = new Set<string>();
  private refused = 0;
  private saturations = 0;
  private startedAt = 0;
  private readonly lowWater: number;

  constructor(
    cap: number,
    private readonly onStart: (key: string, open: number) => void,
    private readonly onEnd: (summary: BurstSummary) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lowWater = burstLowWater(cap);
  }

  get active(): boolean {
    return this.saturated.size > 0;
  }

  /** A connection of `key` was refused while `open` of its connections are open. */
  refuse(key: string, open: number): void {
    if (!this.active) {
      this.refused = 0;
      this.saturations = 0;
      this.startedAt = this.now();
      this.onStart(key, open);
    }
    this.refused++;
    if (!this.saturated.has(key)) {
      this.saturated.add(key);
      this.saturations++;
    }
  }

  /** A connection of `key` closed, leaving `open`. */
  release(key: string, open: number): void {
    if (!this.saturated.has(key) || open >= this.lowWater) return;
    this.saturated.delete(key);
    if (!this.active)
      this.onEnd({ refused: this.refused, saturations: this.saturations, durationMs: this.now() - this.startedAt });
  }
}
