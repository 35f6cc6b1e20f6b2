import { CodedError } from '@tezos-p2p/encoding';
import { type MemoryBudgetLimits, memoryBudgetProblems } from './memory-limits.js';

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
  /**
   * Incoming handshakes in progress at once from one IPv4 address or IPv6 /64; more from it are closed
   * at accept. Not Octez's: with its global cap alone, one address holding 20 silent sockets keeps
   * every other peer out. 4 makes such an attacker need 5 sources to fill the 20 slots, while peers
   * sharing one NAT'd address, whose handshakes last a round trip or two, rarely need more than 4 at
   * once (a refused one retries after its back-off). `maxIncomingConnections` or more disables it.
   * @default 4
   */
  readonly maxIncomingConnectionsPerAddress: number;
  /** Global download cap (bytes/s); `undefined` = unlimited. @default undefined */
  readonly maxDownloadSpeed: number | undefined;
  /** Global upload cap (bytes/s). @default undefined */
  readonly maxUploadSpeed: number | undefined;
  /**
   * Per connection, bytes of the peer's messages held from their size prefix until consumed — the one
   * being received (reserved whole when its size is read), those waiting for the P2P loop, those in
   * the application queue — before its socket pauses; a larger message is admitted alone. Octez's
   * `read_queue_size` bounds its first stage (raw bytes); here it bounds them all (docs/LIMITS.md).
   * @default 8 MiB
   */
  readonly readQueueSize: number;
  /**
   * Per connection, bytes of messages queued for the peer until the kernel has them all (plaintext
   * waiting, ciphertext in the socket's buffer) before `send` waits and `trySend` fails; a larger
   * message is queued alone. Octez's `write_queue_size` bounds its last stage. @default 8 MiB
   */
  readonly writeQueueSize: number;
  /** Decoded messages per connection waiting for the P2P loop, in bytes, before the socket pauses (`incoming_message_queue_size`). @default 8 MiB */
  readonly incomingMessageQueueSize: number;
  /** Plaintext per connection waiting to be encrypted, in bytes (`outgoing_message_queue_size`). @default 8 MiB */
  readonly outgoingMessageQueueSize: number;
  /** Application messages per connection waiting for `recv` (a count; at most size − 1 wait). @default 10 */
  readonly incomingAppMessageQueueSize: number;
  /**
   * Memory for received messages, over every connection: `maxConnections × guaranteedPerConnection +
   * shared` bytes (356 MiB by default). Not Octez's (memory-limits.ts). @default { guaranteedPerConnection: 1 MiB, shared: 256 MiB }
   */
  readonly readBudget: MemoryBudgetLimits;
  /** Memory for messages queued for peers, over every connection (228 MiB by default). @default { guaranteedPerConnection: 1 MiB, shared: 128 MiB } */
  readonly writeBudget: MemoryBudgetLimits;
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
  /**
   * peers.json is also written this often while running, when the peer table changed since the last
   * write, so a killed node loses at most this much; `null`: only at shutdown, as Octez. Not Octez's.
   * @default 60 000
   */
  readonly peersFileSaveIntervalMs: number | null;
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
  maxIncomingConnectionsPerAddress: 4,
  maxDownloadSpeed: undefined,
  maxUploadSpeed: undefined,
  readQueueSize: 1 << 23,
  writeQueueSize: 1 << 23,
  incomingMessageQueueSize: 1 << 23,
  outgoingMessageQueueSize: 1 << 23,
  readBudget: { guaranteedPerConnection: 1 << 20, shared: 256 << 20 },
  writeBudget: { guaranteedPerConnection: 1 << 20, shared: 128 << 20 },
  incomingAppMessageQueueSize: 10,
  binaryChunksSize: undefined,
  maxMessageSize: 100 * 1024 * 1024,
  maxKnownPoints: { max: 400, target: 300 },
  maxKnownPeerIds: { max: 400, target: 300 },
  peerGreylistSize: 1023,
  ipGreylistSizeInKilobytes: 2048,
  ipGreylistCleanupDelayMs: 86_400_000,
  swapLingerMs: 30_000,
  peersFileSaveIntervalMs: 60_000,
});

export class LimitsError extends CodedError<'INVALID_LIMITS'> {
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
  (
    [
      'minConnections',
      'expectedConnections',
      'maxConnections',
      'backlog',
      'maxIncomingConnections',
      'readQueueSize',
      'writeQueueSize',
      'incomingMessageQueueSize',
      'outgoingMessageQueueSize',
      'peerGreylistSize',
      'ipGreylistSizeInKilobytes',
    ] as const
  ).forEach(nonNegInt);
  if (!(Number.isInteger(l.maxIncomingConnectionsPerAddress) && l.maxIncomingConnectionsPerAddress >= 1)) {
    problems.push(
      `maxIncomingConnectionsPerAddress must be a positive integer, got ${l.maxIncomingConnectionsPerAddress}`,
    );
  }
  if (
    l.peersFileSaveIntervalMs !== null &&
    !(Number.isInteger(l.peersFileSaveIntervalMs) && l.peersFileSaveIntervalMs > 0)
  ) {
    problems.push(`peersFileSaveIntervalMs must be a positive integer or null, got ${l.peersFileSaveIntervalMs}`);
  }
  if (!(l.incomingAppMessageQueueSize >= 1))
    problems.push(`incomingAppMessageQueueSize must be at least 1, got ${l.incomingAppMessageQueueSize}`);
  if (!(l.authenticationTimeoutMs > 0))
    problems.push(`authenticationTimeoutMs must be positive, got ${l.authenticationTimeoutMs}`);
  if (!(l.connectionTimeoutMs > 0)) problems.push(`connectionTimeoutMs must be positive, got ${l.connectionTimeoutMs}`);
  if (l.swapLingerMs !== null && !(l.swapLingerMs > 0))
    problems.push(`swapLingerMs must be positive or null, got ${l.swapLingerMs}`);
  if (l.maintenanceIdleTimeMs !== null && !(l.maintenanceIdleTimeMs > 0))
    problems.push(`maintenanceIdleTimeMs must be positive or null, got ${l.maintenanceIdleTimeMs}`);
  if (
    l.binaryChunksSize !== undefined &&
    !(Number.isInteger(l.binaryChunksSize) && l.binaryChunksSize >= 19 && l.binaryChunksSize <= 65535)
  ) {
    problems.push(`binaryChunksSize must be in [19, 65535], got ${l.binaryChunksSize}`);
  }
  if (!(l.minConnections <= l.expectedConnections && l.expectedConnections <= l.maxConnections)) {
    problems.push(
      `need minConnections ≤ expectedConnections ≤ maxConnections, got ${l.minConnections} / ${l.expectedConnections} / ${l.maxConnections}`,
    );
  }
  for (const [k, v] of [
    ['maxDownloadSpeed', l.maxDownloadSpeed],
    ['maxUploadSpeed', l.maxUploadSpeed],
  ] as const) {
    if (v !== undefined && !(v > 0)) problems.push(`${k} must be positive, got ${v}`);
  }
  problems.push(...memoryBudgetProblems(l));
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

export function maintenanceBounds(
  l: Pick<P2pLimits, 'minConnections' | 'expectedConnections' | 'maxConnections'>,
): MaintenanceBounds {
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
export function connectionsFromExpected(
  n: number,
): Pick<P2pLimits, 'minConnections' | 'expectedConnections' | 'maxConnections'> {
  return {
    minConnections: n === 1 ? 1 : Math.floor(n / 2),
    expectedConnections: n,
    maxConnections: Math.floor((3 * n) / 2),
  };
}
