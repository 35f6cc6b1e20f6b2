/**
 * Every limit of the running P2P layer in one place, with Octez's defaults (`P2p_limits.default`,
 * src/lib_p2p_services/p2p_limits.ml) — docs/LIMITS.md mirrors this table. Durations are in ms,
 * speeds in bytes per second.
 */
export interface P2pLimits {
  /** Whole outgoing connection (TCP connect + handshake). @default 10 000 */
  readonly connectionTimeoutMs: number;
  /** Whole incoming handshake. @default 5 000 */
  readonly authenticationTimeoutMs: number;
  /** Maintenance timer; `null` disables the maintenance (and discovery). @default 120 000 */
  readonly maintenanceIdleTimeMs: number | null;
  /** @default 10 */
  readonly minConnections: number;
  /** @default 50 */
  readonly expectedConnections: number;
  /** @default 100 */
  readonly maxConnections: number;
  /** listen(2) backlog. @default 20 */
  readonly backlog: number;
  /** Incoming handshakes in progress at once; more are closed at accept. @default 20 */
  readonly maxIncomingConnections: number;
  /** Global download cap (bytes/s); `undefined` = unlimited. @default undefined */
  readonly maxDownloadSpeed: number | undefined;
  /** Global upload cap (bytes/s). @default undefined */
  readonly maxUploadSpeed: number | undefined;
  /** Decoded messages per connection waiting to be dispatched, in bytes. @default 8 MiB */
  readonly readQueueSize: number;
  /** Messages per connection waiting to be written, in bytes. @default 8 MiB */
  readonly writeQueueSize: number;
  /** Application messages per connection waiting for `recv` (a count; at most size − 1 wait). @default 10 */
  readonly incomingAppMessageQueueSize: number;
  /** Bytes per chunk on the wire when sending (19..65535); `undefined` = 65535. @default undefined */
  readonly binaryChunksSize: number | undefined;
  /** Largest message accepted or sent, 4-byte size included. @default 100 MiB */
  readonly maxMessageSize: number;
  /** Known points table: GC at max down to target; `null` = no GC. @default { max: 400, target: 300 } */
  readonly maxKnownPoints: { readonly max: number; readonly target: number } | null;
  /** Known peers table. @default { max: 400, target: 300 } */
  readonly maxKnownPeerIds: { readonly max: number; readonly target: number } | null;
  /** @default 1023 */
  readonly peerGreylistSize: number;
  /** @default 2048 */
  readonly ipGreylistSizeInKilobytes: number;
  /** @default 86 400 000 */
  readonly ipGreylistCleanupDelayMs: number;
  /** Minimum time between accepted swaps; `null` disables answering swaps. @default 30 000 */
  readonly swapLingerMs: number | null;
}

export const DEFAULT_LIMITS: P2pLimits = Object.freeze({
  connectionTimeoutMs: 10_000,
  authenticationTimeoutMs: 5_000,
  maintenanceIdleTimeMs: 120_000,
  minConnections: 10,
  expectedConnections: 50,
  maxConnections: 100,
  backlog: 20,
  maxIncomingConnections: 20,
  maxDownloadSpeed: undefined,
  maxUploadSpeed: undefined,
  readQueueSize: 1 << 23,
  writeQueueSize: 1 << 23,
  incomingAppMessageQueueSize: 10,
  binaryChunksSize: undefined,
  maxMessageSize: 100 * 1024 * 1024,
  maxKnownPoints: { max: 400, target: 300 },
  maxKnownPeerIds: { max: 400, target: 300 },
  peerGreylistSize: 1023,
  ipGreylistSizeInKilobytes: 2048,
  ipGreylistCleanupDelayMs: 86_400_000,
  swapLingerMs: 30_000,
});

export class LimitsError extends Error {
  override readonly name = 'LimitsError';
  readonly code = 'INVALID_LIMITS';
}

/** `P2p.check_limits` plus the ordering `P2p_connect_handler` asserts (min ≤ expected ≤ max). */
export function resolveLimits(partial: Partial<P2pLimits> = {}): P2pLimits {
  const l: P2pLimits = { ...DEFAULT_LIMITS, ...partial };
  const problems: string[] = [];
  const nonNegInt = (k: keyof P2pLimits) => {
    const v = l[k] as number;
    if (!(Number.isInteger(v) && v >= 0)) problems.push(`${k} must be a non-negative integer, got ${v}`);
  };
  (['minConnections', 'expectedConnections', 'maxConnections', 'backlog', 'maxIncomingConnections', 'readQueueSize', 'writeQueueSize', 'peerGreylistSize', 'ipGreylistSizeInKilobytes'] as const).forEach(nonNegInt);
  if (!(l.incomingAppMessageQueueSize >= 1)) problems.push(`incomingAppMessageQueueSize must be at least 1, got ${l.incomingAppMessageQueueSize}`);
  if (!(l.authenticationTimeoutMs > 0)) problems.push(`authenticationTimeoutMs must be positive, got ${l.authenticationTimeoutMs}`);
  if (!(l.connectionTimeoutMs > 0)) problems.push(`connectionTimeoutMs must be positive, got ${l.connectionTimeoutMs}`);
  if (l.swapLingerMs !== null && !(l.swapLingerMs > 0)) problems.push(`swapLingerMs must be positive or null, got ${l.swapLingerMs}`);
  if (l.maintenanceIdleTimeMs !== null && !(l.maintenanceIdleTimeMs > 0)) problems.push(`maintenanceIdleTimeMs must be positive or null, got ${l.maintenanceIdleTimeMs}`);
  if (l.binaryChunksSize !== undefined && !(Number.isInteger(l.binaryChunksSize) && l.binaryChunksSize >= 19 && l.binaryChunksSize <= 65535)) {
    problems.push(`binaryChunksSize must be in [19, 65535], got ${l.binaryChunksSize}`);
  }
  if (!(l.minConnections <= l.expectedConnections && l.expectedConnections <= l.maxConnections)) {
    problems.push(`need minConnections ≤ expectedConnections ≤ maxConnections, got ${l.minConnections} / ${l.expectedConnections} / ${l.maxConnections}`);
  }
  for (const [k, v] of [['maxDownloadSpeed', l.maxDownloadSpeed], ['maxUploadSpeed', l.maxUploadSpeed]] as const) {
    if (v !== undefined && !(v > 0)) problems.push(`${k} must be positive, got ${v}`);
  }
  if (problems.length > 0) throw new LimitsError(`invalid P2P limits: ${problems.join('; ')}`);
  return l;
}

/** `make_maintenance_bounds`: min/expected/max 10/50/100 give 23/36/68/84. */
export interface MaintenanceBounds {
  readonly minThreshold: number;
  readonly minTarget: number;
  readonly maxTarget: number;
  readonly maxThreshold: number;
}

export function maintenanceBounds(l: Pick<P2pLimits, 'minConnections' | 'expectedConnections' | 'maxConnections'>): MaintenanceBounds {
  const stepMin = Math.floor((l.expectedConnections - l.minConnections) / 3);
  const stepMax = Math.floor((l.maxConnections - l.expectedConnections) / 3);
  return {
    minThreshold: l.minConnections + stepMin,
    minTarget: l.minConnections + 2 * stepMin,
    maxTarget: l.maxConnections - 2 * stepMax,
    maxThreshold: l.maxConnections - stepMax,
  };
}

/** `--connections N` (`shared_arg.ml`): min N/2 (1 for N = 1), expected N, max 3N/2. */
export function connectionsFromExpected(n: number): Pick<P2pLimits, 'minConnections' | 'expectedConnections' | 'maxConnections'> {
  return { minConnections: n === 1 ? 1 : Math.floor(n / 2), expectedConnections: n, maxConnections: Math.floor((3 * n) / 2) };
}
