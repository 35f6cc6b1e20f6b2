import { type Clock, systemClock } from '@tezos-p2p/events';
import { type CryptoBackend, getCryptoBackend } from '@tezos-p2p/crypto';
import { numbits } from './bits.js';
import { BLOOM_MAX_INDEX_BITS } from './counting-bloom-filter.js';
import { AclError } from './errors.js';

export interface AclConfig {
  /** Capacity of the peer-id greylist FIFO (Octez `peer_greylist_size`). Default 1023. */
  readonly peerGreylistSize?: number;
  /**
   * Octez `ip_greylist_size_in_kilobytes`: sizes the Bloom filter (`index_bits = numbits(kB × 2048)`) and
   * is the capacity of the IP listing FIFO. Default 2048 (a 2^23-cell, 4 MiB filter). Must be < 8192.
   */
  readonly ipGreylistSizeInKilobytes?: number;
  /** Octez `ip_greylist_cleanup_delay`, in ms. Default 86_400_000. The countdown runs every delay/16. */
  readonly ipGreylistCleanupDelayMs?: number;
  readonly clock?: Clock;
  readonly backend?: CryptoBackend;
}

/** Octez defaults (src/lib_p2p_services/p2p_limits.ml, config.md). */
export const DEFAULT_PEER_GREYLIST_SIZE = 1023;
export const DEFAULT_IP_GREYLIST_SIZE_IN_KILOBYTES = 2048;
export const DEFAULT_IP_GREYLIST_CLEANUP_DELAY_MS = 86_400_000;
/** The cleanup delay is split into 16 countdown ticks (`Span.multiply_exn (1. /. 16.)`). */
export const COUNTDOWN_TICKS_PER_DELAY = 16;
/** Octez's ACL sets 5 cells per address. */
export const IP_GREYLIST_HASHES = 5;
/** Node timers cannot wait longer than this; a longer tick would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ResolvedAclConfig {
  readonly peerGreylistSize: number;
  readonly ipGreylistSizeInKilobytes: number;
  readonly ipGreylistCleanupDelayMs: number;
  /** `numbits(ipGreylistSizeInKilobytes × 8 × 1024 / 4)`. */
  readonly indexBits: number;
  readonly tickMs: number;
  readonly clock: Clock;
  readonly backend: CryptoBackend;
}

function invalid(message: string): never {
  throw new AclError('INVALID_ACL_CONFIG', message);
}

/** Defaults, then the checks `P2p_acl.create` and `Bloomer.create` make (as typed errors, not Invalid_argument). */
export function resolveAclConfig(config: AclConfig = {}): ResolvedAclConfig {
  const peerGreylistSize = config.peerGreylistSize ?? DEFAULT_PEER_GREYLIST_SIZE;
  const ipSize = config.ipGreylistSizeInKilobytes ?? DEFAULT_IP_GREYLIST_SIZE_IN_KILOBYTES;
  const delay = config.ipGreylistCleanupDelayMs ?? DEFAULT_IP_GREYLIST_CLEANUP_DELAY_MS;
  if (!Number.isSafeInteger(peerGreylistSize) || peerGreylistSize <= 0) {
    invalid(`peerGreylistSize must be a positive integer, got ${peerGreylistSize}`);
  }
  if (!Number.isSafeInteger(ipSize) || ipSize <= 0)
    invalid(`ipGreylistSizeInKilobytes must be a positive integer, got ${ipSize}`);
  const indexBits = numbits((ipSize * 8 * 1024) / 4);
  if (indexBits > BLOOM_MAX_INDEX_BITS) {
    invalid(
      `ipGreylistSizeInKilobytes must be below 8192 (Octez's Bloomer refuses index_bits ${indexBits} > ${BLOOM_MAX_INDEX_BITS}), got ${ipSize}`,
    );
  }
  if (!Number.isFinite(delay) || delay <= 0)
    invalid(`ipGreylistCleanupDelayMs must be a positive number of ms, got ${delay}`);
  const tickMs = delay / COUNTDOWN_TICKS_PER_DELAY;
  if (tickMs > MAX_TIMER_MS)
    invalid(`ipGreylistCleanupDelayMs / 16 must not exceed ${MAX_TIMER_MS} ms (a timer limit), got ${delay}`);
  return {
    peerGreylistSize,
    ipGreylistSizeInKilobytes: ipSize,
    ipGreylistCleanupDelayMs: delay,
    indexBits,
    tickMs,
    clock: config.clock ?? systemClock,
    backend: config.backend ?? getCryptoBackend(),
  };
}
