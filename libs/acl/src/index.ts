/**
 * @packageDocumentation
 * Octez's access-control lists (`P2p_acl`): the IP greylist (a counting Bloom filter decaying over
 * `ip_greylist_cleanup_delay`, plus a bounded listing), the peer-id greylist FIFO, and the manual IP and
 * peer blacklists, with Octez's exact semantics and quirks.
 */
export { Acl, type AclAddress, type GreylistedIps } from './acl.js';
export {
  type AclConfig, DEFAULT_PEER_GREYLIST_SIZE, DEFAULT_IP_GREYLIST_SIZE_IN_KILOBYTES, DEFAULT_IP_GREYLIST_CLEANUP_DELAY_MS,
  COUNTDOWN_TICKS_PER_DELAY, IP_GREYLIST_HASHES,
} from './config.js';
export {
  CountingBloomFilter, type CountingBloomFilterOptions, BLOOM_COUNTDOWN_BITS, BLOOM_MAX_COUNT, BLOOM_MAX_INDEX_BITS,
} from './counting-bloom-filter.js';
export { FifoSet } from './fifo-set.js';
export { numbits } from './bits.js';
export { AclError, type AclErrorCode } from './errors.js';
