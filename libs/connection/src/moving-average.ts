/**
 * Octez's `Moving_average` with alpha = 0.2, in integer arithmetic: every refresh,
 * `average = (200 × current) ÷ elapsed_ms + ((1000 − 200) × average) ÷ 1000` (bytes per second),
 * then `current` restarts from 0. `total` counts every byte ever added.
 */
export class MovingAverage {
  private current = 0;
  average = 0;
  total = 0;

  add(bytes: number): void {
    this.current += bytes;
    this.total += bytes;
  }

  update(elapsedMs: number): void {
    const alpha = 200;
    const e = Math.max(1, Math.round(elapsedMs));
    this.average = Math.floor((alpha * this.current) / e) + Math.floor(((1000 - alpha) * this.average) / 1000);
    this.current = 0;
  }
}
