import type { Clock, TimerHandle } from '@tezos-p2p/events';
import { type PeerId, displayIp, ipToBytes } from '@tezos-p2p/wire';
import { BindingTable } from './binding-table.js';
import { type AclConfig, IP_GREYLIST_HASHES, type ResolvedAclConfig, resolveAclConfig } from './config.js';
import { CountingBloomFilter } from './counting-bloom-filter.js';
import { FifoSet } from './fifo-set.js';

/** What `GET /network/greylist/ips` shows (`IPGreylist.list`, `list_not_reliable_since`). */
export interface GreylistedIps {
  /** The listing FIFO, oldest first, in canonical display form; may hold IPs whose greylisting expired. */
  readonly ips: string[];
  /** When the FIFO first overflowed (ms since the epoch), so that `ips` may miss some; reset by `clear`. */
  readonly notReliableSince: number | undefined;
}

/** An address as the ACL keys it: the 16-byte IPv6 form, and its canonical text for maps and listings. */
interface Addr {
  readonly bytes: Uint8Array;
  readonly key: string;
}

function addr(ip: string): Addr {
  const bytes = ipToBytes(ip); // IpParseError propagates
  return { bytes, key: displayIp(bytes) };
}

/**
 * An address parsed once, with its cells in this ACL's filter (they never change for an address):
 * holders of many addresses (the pool's known points) check them without re-hashing.
 */
export interface AclAddress {
  /** The canonical text (the blacklist's key); the 16 bytes are not kept, the cells being all the filter needs. */
  readonly key: string;
  readonly cells: readonly number[];
}

/**
 * Octez's `P2p_acl` (src/lib_p2p/p2p_acl.ml): four lists.
 * - IP greylist: a counting Bloom filter over Blake2b-256 of the 16-byte address, decaying by one
 *   countdown every cleanupDelay/16, plus a bounded FIFO kept only to list the greylisted IPs.
 * - Peer greylist: a FIFO set of peer ids (oldest evicted when full).
 * - IP and peer blacklists: manual bans, until unbanned or `clear`.
 *
 * Construction starts the countdown timer on the clock; `destroy` stops it.
 */
export class Acl {
  private readonly config: ResolvedAclConfig;
  private readonly clock: Clock;
  private readonly bloom: CountingBloomFilter<Uint8Array>;
  private readonly ipFifo: FifoSet<string>;
  private notReliableSince: number | undefined;
  private readonly peerGreylist: FifoSet<PeerId>;
  private readonly ipBlacklist = new BindingTable<string>();
  private readonly peerBlacklist = new BindingTable<PeerId>();
  private timer: TimerHandle | undefined;
  private destroyed = false;
  private addressVersion = 0;

  constructor(config?: AclConfig) {
    this.config = resolveAclConfig(config);
    this.clock = this.config.clock;
    const backend = this.config.backend;
    this.bloom = new CountingBloomFilter<Uint8Array>({
      hash: (bytes) => backend.blake2b(32, [bytes]),
      hashes: IP_GREYLIST_HASHES,
      indexBits: this.config.indexBits,
    });
    this.ipFifo = new FifoSet(this.config.ipGreylistSizeInKilobytes);
    this.peerGreylist = new FifoSet(this.config.peerGreylistSize);
    this.schedule();
  }

  /** Milliseconds between two countdowns (cleanup delay / 16). */
  get countdownPeriodMs(): number {
    return this.config.tickMs;
  }

  /**
   * Changes whenever an address's ban status may have (filter or IP blacklist changed; a filter
   * change may flip any address, through false positives): holders of many addresses keep their
   * `bannedAddress` answers until it moves, instead of asking again for each of them at each listing.
   */
  get addressBansVersion(): number {
    return this.addressVersion;
  }

  /** Cells of the IP greylist filter (2^23 at the default size). */
  get ipFilterCells(): number {
    return this.bloom.cellCount;
  }

  // Octez's cleanup_loop: sleep, countdown, repeat. Each tick is armed after the previous countdown, so
  // on a fake clock the ticks fall exactly on multiples of the period from construction.
  private schedule(): void {
    const h = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.bloom.countdown();
      this.addressVersion++;
      if (!this.destroyed) this.schedule();
    }, this.config.tickMs);
    // On the system clock the countdown alone should not keep the process alive (Lwt's sleep does not).
    h.unref();
    this.timer = h;
  }

  /** Stop the countdown timer. Idempotent; the lists stay usable but no longer decay on their own. */
  stop(): void {
    this.destroyed = true;
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  // --- IP greylist -------------------------------------------------------------------------------

  /** `IPGreylist.add`: Bloom add, note a first overflow of the listing FIFO, then FIFO add. */
  greylistAddr(ip: string): void {
    const a = addr(ip);
    this.bloom.add(a.bytes);
    this.addressVersion++;
    // Tested before inserting, even when the address is already listed (it then only moves): Octez
    // marks the listing unreliable as soon as an add finds the FIFO full.
    if (this.notReliableSince === undefined && this.ipFifo.length === this.ipFifo.capacity) {
      this.notReliableSince = this.clock.now();
    }
    this.ipFifo.add(a.key);
  }

  /** Parse an address once for repeated checks with `bannedAddress` / `isAddressGreylisted`. */
  address(ip: string): AclAddress {
    const a = addr(ip);
    return { key: a.key, cells: this.bloom.cellsOf(a.bytes) };
  }

  /** `IPGreylist.mem`: all cells of the address are non-zero (false positives possible). */
  isAddrGreylisted(ip: string): boolean {
    return this.bloom.mem(addr(ip).bytes);
  }

  isAddressGreylisted(a: AclAddress): boolean {
    return this.bloom.memCells(a.cells);
  }

  /** `IPGreylist.clear`: empties the Bloom filter only; the listing FIFO and `notReliableSince` stay. */
  clearGreylist(): void {
    this.bloom.clear();
    this.addressVersion++;
  }

  /** `IPGreylist.gc`: one countdown step, then drop the listed IPs no longer in the filter. */
  gcGreylist(): void {
    this.bloom.countdown();
    this.addressVersion++;
    const expired = [...this.ipFifo].filter((key) => !this.bloom.mem(ipToBytes(key)));
    for (const key of expired) this.ipFifo.remove(key);
  }

  // --- IP blacklist ------------------------------------------------------------------------------

  /** `IPBlacklist.add` (each call stacks a binding, see `unbanAddr`). */
  banAddr(ip: string): void {
    this.ipBlacklist.add(addr(ip).key);
    this.addressVersion++;
  }

  /** `IPBlacklist.mem`. */
  isAddrBlacklisted(ip: string): boolean {
    return this.ipBlacklist.has(addr(ip).key);
  }

  /** `banned_addr`: blacklisted or in the greylist filter. */
  bannedAddr(ip: string): boolean {
    const a = addr(ip);
    return this.ipBlacklist.has(a.key) || this.bloom.mem(a.bytes);
  }

  /**
   * No address can be banned now: the blacklist and the greylist filter are both empty (the usual
   * state of a node), so holders of many addresses need not parse theirs to know.
   */
  get noAddressBanned(): boolean {
    return this.ipBlacklist.size === 0 && this.bloom.empty;
  }

  /** `bannedAddr` for an address parsed with `address()`. */
  bannedAddress(a: AclAddress): boolean {
    return this.ipBlacklist.has(a.key) || this.bloom.memCells(a.cells);
  }

  /**
   * `unban_addr`: drop one blacklist binding (an address banned n times needs n unbans, as with
   * OCaml's `Hashtbl.add`/`remove`), zero the address's filter cells — which also un-greylists any
   * address sharing one of them — and remove it from the listing FIFO.
   */
  unbanAddr(ip: string): void {
    const a = addr(ip);
    this.ipBlacklist.remove(a.key);
    this.bloom.rem(a.bytes);
    this.addressVersion++;
    this.ipFifo.remove(a.key);
  }

  // --- peers -------------------------------------------------------------------------------------

  /** `PeerGreylist.add`: re-adding makes the peer newest; when full the least recently added goes. */
  greylistPeer(peer: PeerId): void {
    this.peerGreylist.add(peer);
  }

  /** `PeerGreylist.mem` (does not promote). */
  isPeerGreylisted(peer: PeerId): boolean {
    return this.peerGreylist.has(peer);
  }

  /** `PeerBlacklist.add` (each call stacks a binding, see `unbanPeer`). */
  banPeer(peer: PeerId): void {
    this.peerBlacklist.add(peer);
  }

  /** `PeerBlacklist.mem`. */
  isPeerBlacklisted(peer: PeerId): boolean {
    return this.peerBlacklist.has(peer);
  }

  /** `banned_peer`: blacklisted or greylisted. A peer may have its IP banned but not its id. */
  bannedPeer(peer: PeerId): boolean {
    return this.peerBlacklist.has(peer) || this.peerGreylist.has(peer);
  }

  /** `unban_peer`: drop one blacklist binding and remove the peer from the greylist. */
  unbanPeer(peer: PeerId): void {
    this.peerBlacklist.remove(peer);
    this.peerGreylist.remove(peer);
  }

  // --- everything --------------------------------------------------------------------------------

  /**
   * `P2p_acl.clear` (RPC `DELETE /network/greylist`): both greylists, the listing FIFO, and also both
   * blacklists; the listing is reliable again.
   */
  clear(): void {
    this.bloom.clear();
    this.addressVersion++;
    this.ipFifo.clear();
    this.notReliableSince = undefined;
    this.peerBlacklist.clear();
    this.ipBlacklist.clear();
    this.peerGreylist.clear();
  }

  // --- listings ----------------------------------------------------------------------------------

  /** `IPGreylist.list` and `list_not_reliable_since`. */
  greylistedIps(): GreylistedIps {
    return { ips: [...this.ipFifo], notReliableSince: this.notReliableSince };
  }

  /** `PeerGreylist.list`, oldest first. */
  greylistedPeers(): PeerId[] {
    return [...this.peerGreylist];
  }

  /** Blacklisted addresses, each once, in the order first banned. */
  bannedIps(): string[] {
    return this.ipBlacklist.keys();
  }

  /** Blacklisted peer ids, each once, in the order first banned. */
  bannedPeers(): PeerId[] {
    return this.peerBlacklist.keys();
  }
}
