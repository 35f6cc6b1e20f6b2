/**
 * Port of Octez v25.1 `src/lib_p2p/test/test_p2p_banned_peers.ml` (suite "p2p.banned"): the IP
 * greylist of `P2p_acl` (`banned_addr`, `IPGreylist.add`, `IPGreylist.clear`), here `Acl` with the
 * same sizes (`peer_id_size:10`, `ip_size:1024` kB, `ip_cleanup_delay` 60 s) on a fake clock.
 */
import { FakeClock } from '@tezos-p2p/events';
import { afterEach, describe, expect, it } from 'vitest';
import { Acl } from '../src/index.js';

/** Octez's `foo`, `bar`, `baz`: (peer, address) pairs; only the addresses are used. */
const peers = ['ffff::3', 'ffff:00::ff', 'a::2'];

describe('test_p2p_banned_peers.ml (p2p.banned)', () => {
  let acl: Acl | undefined;
  afterEach(() => acl?.stop());
  const create = (clock = new FakeClock(), ipGreylistCleanupDelayMs = 60_000) =>
    (acl = new Acl({ peerGreylistSize: 10, ipGreylistSizeInKilobytes: 1024, ipGreylistCleanupDelayMs, clock }));

  it('test_p2p_banned_peers: empty — in a new ACL no address is banned', () => {
    const empty = create();
    for (const addr of peers) expect(empty.bannedAddr(addr)).toBe(false);
  });

  it('test_p2p_banned_peers: ban — greylisted addresses are banned', () => {
    const set = create();
    for (const addr of peers) set.greylistAddr(addr);
    for (const addr of peers) expect(set.bannedAddr(addr)).toBe(true);
  });

  it('test_p2p_banned_peers: clear — after IPGreylist.clear no greylisted address is banned', () => {
    const set = create();
    for (const addr of peers) set.greylistAddr(addr);
    for (const addr of peers) expect(set.bannedAddr(addr)).toBe(true);
    set.clearGreylist();
    for (const addr of peers) expect(set.bannedAddr(addr)).toBe(false);
  });

  it('test_p2p_banned_peers: test_gc — with a cleanup delay of 0.1 s, greylisted addresses are no longer banned 1 s later', async () => {
    // Disabled in Octez as flaky (real sleeps); deterministic here on a fake clock.
    const clock = new FakeClock();
    const set = create(clock, 100);
    for (const addr of peers) set.greylistAddr(addr);
    await clock.advance(1000);
    for (const addr of peers) expect(set.bannedAddr(addr)).toBe(false);
  });
});
