/**
 * The sender's back-off (`P2p_discovery.Sender.Config` and its completion handler), kept pure so the
 * schedule can be checked on its own. Delays are held in milliseconds: Octez's 0.1 s doubled is
 * exact in binary, and so are integral milliseconds, so both give the same instants.
 */
export interface SenderConfig {
  /** How long the sender sleeps after its next broadcast. */
  readonly delayMs: number;
  /** Completed sleeps since the last (re)start, capped just below `MAX_LOOP`. */
  readonly loop: number;
}

/** `Config.initial = {delay = 0.1; loop = 0}`: also what a restart signal returns. */
export const INITIAL_SENDER_CONFIG: SenderConfig = Object.freeze({ delayMs: 100, loop: 0 });

/** `Config.max_loop`. */
export const MAX_LOOP = 10;

/** The sleep ran out: `{config with loop = succ loop}`. */
export function afterSleep(c: SenderConfig): SenderConfig {
  return { delayMs: c.delayMs, loop: c.loop + 1 };
}

/**
 * `on_completion`: at `max_loop` keep the delay and step back to `max_loop - 1` (so it stays there),
 * otherwise double the delay. A restart returns `INITIAL_SENDER_CONFIG`, which this doubles too: the
 * first gap after a wakeup is 0.2 s and the delay stops growing one doubling later than from the
 * start (102.4 s instead of 51.2 s), as coded in Octez.
 */
export function onCompletion(c: SenderConfig): SenderConfig {
  return c.loop === MAX_LOOP ? { delayMs: c.delayMs, loop: c.loop - 1 } : { delayMs: 2 * c.delayMs, loop: c.loop };
}
