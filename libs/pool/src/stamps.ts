/** A value with the time it happened (ms since the epoch). */
export interface Stamped<T> {
  readonly value: T;
  readonly at: number;
}

/** `Time.System.recent`: the later of two, the first on a tie, either if the other is absent. */
export function recent<T>(a: Stamped<T> | undefined, b: Stamped<T> | undefined): Stamped<T> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.at > a.at ? b : a;
}

export function maxTime(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
