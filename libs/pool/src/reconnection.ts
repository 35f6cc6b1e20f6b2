/**
 * Back-off of outgoing connection attempts per point (`Point_reconnection_config`, misleadingly
 * named `greylisting_config` in config.json; nothing to do with the ACL greylist).
 */
export interface ReconnectionConfig {
  /** Growth of the delay after each failed attempt (default 1.2). */
  readonly factor: number;
  /** First delay (default 1 s). */
  readonly initialDelayMs: number;
  /** Wait after a running connection ends (default 60 s). */
  readonly disconnectionDelayMs: number;
  /** Largest delay (default 2 days). */
  readonly increaseCapMs: number;
}

export const DEFAULT_RECONNECTION: ReconnectionConfig = Object.freeze({
  factor: 1.2,
  initialDelayMs: 1000,
  disconnectionDelayMs: 60_000,
  increaseCapMs: 172_800_000,
});

export interface ReconnectionInfo {
  /** Delay to apply at the next failure. */
  readonly delay: number;
  /** No dialling by the maintenance before this time. */
  readonly endTime: number;
}

/** `set_reconnection_delay`: wait the current delay, then grow it by `factor` up to the cap. */
export function afterFailure(
  cfg: ReconnectionConfig,
  current: ReconnectionInfo | undefined,
  now: number,
): ReconnectionInfo {
  const d = current?.delay ?? cfg.initialDelayMs;
  const grown = cfg.factor * d;
  return { delay: cfg.increaseCapMs > grown ? grown : cfg.increaseCapMs, endTime: now + d };
}

/** After a running connection ends: wait `disconnectionDelay`, then restart the back-off. */
export function afterDisconnection(cfg: ReconnectionConfig, now: number): ReconnectionInfo {
  return { delay: cfg.initialDelayMs, endTime: now + cfg.disconnectionDelayMs };
}
