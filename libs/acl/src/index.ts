/**
 * @packageDocumentation
 * Octez's access-control lists (`P2p_acl`): the IP greylist (a counting Bloom filter decaying over
 * `ip_greylist_cleanup_delay`, plus a bounded listing), the peer-id greylist FIFO, and the manual IP and
 * peer blacklists, with Octez's exact semantics and quirks.
 */
export { Acl, type AclAddress, type GreylistedIps } from './acl.js';
export { type AclConfig } from './config.js';
export { CountingBloomFilter, type CountingBloomFilterOptions } from './counting-bloom-filter.js';
export { FifoSet } from './fifo-set.js';
export { numbits } from './bits.js';
export { AclError, type AclErrorCode } from './errors.js';
