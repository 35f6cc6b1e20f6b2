import { describe, expect, it } from 'vitest';
import { FakeClock } from '@tezos-p2p/events';
import { IpParseError } from '@tezos-p2p/wire';
import { Acl, AclError } from '../src/index.js';
import { expectedCells, peer, randomIps } from './helpers.js';

/** A 1 kB filter (2^12 cells) and a 1-entry listing FIFO: small enough to make cells collide. */
function tinyAcl(clock = new FakeClock()): Acl {
  return new Acl({ clock, ipGreylistSizeInKilobytes: 1 });
}

describe('IP greylist hashing', () => {
  it('is Blake2b-256 of the 16-byte address, 5 LSB-first 12-bit fields (predicting false positives)', () => {
    const acl = tinyAcl();
    const added = randomIps(10, 1500);
    const covered = new Set<number>();
    for (const ip of added) {
      acl.greylistAddr(ip);
      for (const j of expectedCells(ip, 12)) covered.add(j);
    }
    const probes = randomIps(11, 2000, new Set(added));
    const predicted = probes.map((ip) => expectedCells(ip, 12).every((j) => covered.has(j)));
    expect(probes.map((ip) => acl.isAddrGreylisted(ip))).toEqual(predicted);
    // Both outcomes occur, so the comparison proves the cell placement, not just "all true".
    expect(predicted.filter(Boolean).length).toBeGreaterThan(100);
    expect(predicted.filter((p) => !p).length).toBeGreaterThan(100);
    acl.stop();
  });
});

describe('unbanAddr', () => {
  it('zeroes shared cells: un-greylisting one IP can un-greylist a neighbour (Bloomer.rem)', () => {
    // Find, by the spec's own arithmetic, B sharing a cell with A and C sharing none.
    const a = '203.0.113.1';
    const cellsA = new Set(expectedCells(a, 12));
    const candidates = randomIps(20, 3000).filter((ip) => ip !== a);
    const b = candidates.find((ip) => expectedCells(ip, 12).some((j) => cellsA.has(j)))!;
    const c = candidates.find((ip) => !expectedCells(ip, 12).some((j) => cellsA.has(j)) && ip !== b)!;
    expect(b).toBeDefined();
    expect(c).toBeDefined();

    const acl = tinyAcl();
    for (const ip of [a, b, c]) acl.greylistAddr(ip);
    acl.unbanAddr(a);
    expect(acl.isAddrGreylisted(a)).toBe(false);
    expect(acl.isAddrGreylisted(b)).toBe(false); // collateral: B was never unbanned
    expect(acl.isAddrGreylisted(c)).toBe(true);
    acl.stop();
  });

  it('removes the address from the blacklist, the filter and the listing', () => {
    const clock = new FakeClock();
    const acl = new Acl({ clock, ipGreylistSizeInKilobytes: 4 });
    acl.greylistAddr('192.0.2.1');
    acl.greylistAddr('192.0.2.2');
    acl.banAddr('192.0.2.1');
    acl.unbanAddr('::ffff:192.0.2.1');
    expect(acl.isAddrBlacklisted('192.0.2.1')).toBe(false);
    expect(acl.isAddrGreylisted('192.0.2.1')).toBe(false);
    expect(acl.bannedAddr('192.0.2.1')).toBe(false);
    expect(acl.greylistedIps().ips).toEqual(['192.0.2.2']);
    acl.stop();
  });
});

describe('banned predicates', () => {
  it('bannedAddr = blacklisted or greylisted', () => {
    const acl = new Acl({ clock: new FakeClock(), ipGreylistSizeInKilobytes: 4 });
    acl.banAddr('10.0.0.1');
    acl.greylistAddr('10.0.0.2');
    expect([acl.isAddrBlacklisted('10.0.0.1'), acl.isAddrGreylisted('10.0.0.1'), acl.bannedAddr('10.0.0.1')]).toEqual([
      true,
      false,
      true,
    ]);
    expect([acl.isAddrBlacklisted('10.0.0.2'), acl.isAddrGreylisted('10.0.0.2'), acl.bannedAddr('10.0.0.2')]).toEqual([
      false,
      true,
      true,
    ]);
    expect(acl.bannedAddr('10.0.0.3')).toBe(false);
    acl.stop();
  });

  it('bannedPeer = blacklisted or greylisted; unbanPeer clears both', () => {
    const acl = new Acl({ clock: new FakeClock(), ipGreylistSizeInKilobytes: 4 });
    acl.banPeer(peer(1));
    acl.greylistPeer(peer(2));
    expect([acl.isPeerBlacklisted(peer(1)), acl.isPeerGreylisted(peer(1)), acl.bannedPeer(peer(1))]).toEqual([
      true,
      false,
      true,
    ]);
    expect([acl.isPeerBlacklisted(peer(2)), acl.isPeerGreylisted(peer(2)), acl.bannedPeer(peer(2))]).toEqual([
      false,
      true,
      true,
    ]);
    expect(acl.bannedPeer(peer(3))).toBe(false);
    acl.banPeer(peer(2));
    acl.unbanPeer(peer(2));
    expect(acl.bannedPeer(peer(2))).toBe(false);
    acl.unbanPeer(peer(1));
    expect(acl.bannedPeer(peer(1))).toBe(false);
    acl.stop();
  });

  it('a ban made n times needs n unbans (OCaml Hashtbl.add stacks bindings)', () => {
    const acl = new Acl({ clock: new FakeClock(), ipGreylistSizeInKilobytes: 4 });
    acl.banAddr('10.0.0.1');
    acl.banAddr('::ffff:10.0.0.1');
    acl.unbanAddr('10.0.0.1');
    expect(acl.isAddrBlacklisted('10.0.0.1')).toBe(true);
    expect(acl.bannedIps()).toEqual(['10.0.0.1']);
    acl.unbanAddr('10.0.0.1');
    expect(acl.isAddrBlacklisted('10.0.0.1')).toBe(false);

    acl.banPeer(peer(5));
    acl.banPeer(peer(5));
    acl.unbanPeer(peer(5));
    expect(acl.isPeerBlacklisted(peer(5))).toBe(true);
    acl.unbanPeer(peer(5));
    expect(acl.isPeerBlacklisted(peer(5))).toBe(false);
    acl.stop();
  });
});

describe('addressBansVersion', () => {
  it('moves on every change that may flip an address ban, not on peer lists', async () => {
    const clock = new FakeClock();
    const acl = new Acl({ clock, ipGreylistCleanupDelayMs: 16_000 });
    const moves = (f: () => unknown) => {
      const v = acl.addressBansVersion;
      void f();
      return acl.addressBansVersion !== v;
    };
    expect(moves(() => acl.greylistAddr('10.0.0.1'))).toBe(true);
    expect(moves(() => acl.clearGreylist())).toBe(true);
    expect(moves(() => acl.gcGreylist())).toBe(true);
    expect(moves(() => acl.banAddr('10.0.0.2'))).toBe(true);
    expect(moves(() => acl.unbanAddr('10.0.0.2'))).toBe(true);
    expect(moves(() => acl.clear())).toBe(true);
    expect(moves(() => clock.advance(1_000))).toBe(true); // one countdown tick
    expect(moves(() => acl.greylistPeer(peer(1)))).toBe(false);
    expect(moves(() => acl.banPeer(peer(1)))).toBe(false);
    expect(moves(() => acl.bannedAddr('10.0.0.1'))).toBe(false);
    acl.stop();
  });

  it('noAddressBanned: nothing blacklisted and nothing in the greylist filter', () => {
    const acl = new Acl({ clock: new FakeClock() });
    expect(acl.noAddressBanned).toBe(true);
    acl.greylistAddr('10.0.0.1');
    expect(acl.noAddressBanned).toBe(false);
    acl.clearGreylist();
    expect(acl.noAddressBanned).toBe(true);
    acl.banAddr('10.0.0.2');
    expect(acl.noAddressBanned).toBe(false);
    acl.unbanAddr('10.0.0.2');
    expect(acl.bannedAddr('10.0.0.2')).toBe(false);
    acl.clear();
    expect(acl.noAddressBanned).toBe(true);
    acl.stop();
  });
});

describe('peer greylist ring', () => {
  it('follows test_LRU_overflow through the Acl', () => {
    const acl = new Acl({ clock: new FakeClock(), peerGreylistSize: 3, ipGreylistSizeInKilobytes: 4 });
    const [foo, bar, baz, zor, qux] = [peer(1), peer(2), peer(3), peer(4), peer(5)];
    for (const p of [foo, bar, baz]) acl.greylistPeer(p);
    acl.greylistPeer(foo);
    acl.greylistPeer(zor);
    expect([foo, bar, baz, zor].map((p) => acl.isPeerGreylisted(p))).toEqual([true, false, true, true]);
    acl.greylistPeer(baz);
    acl.greylistPeer(qux);
    expect([foo, zor, baz, qux].map((p) => acl.isPeerGreylisted(p))).toEqual([false, true, true, true]);
    expect(acl.greylistedPeers()).toEqual([zor, baz, qux]);
    acl.stop();
  });

  it('defaults to 1023 entries', () => {
    const acl = new Acl({ clock: new FakeClock(), ipGreylistSizeInKilobytes: 4 });
    for (let i = 0; i < 1024; i++) acl.greylistPeer(peer(i));
    expect(acl.greylistedPeers()).toHaveLength(1023);
    expect(acl.isPeerGreylisted(peer(0))).toBe(false);
    expect(acl.isPeerGreylisted(peer(1))).toBe(true);
    acl.stop();
  });
});

describe('IP listing FIFO and notReliableSince', () => {
  it('marks the listing unreliable when an add finds the FIFO full, even for an address already listed', async () => {
    const clock = new FakeClock();
    const acl = new Acl({ clock, ipGreylistSizeInKilobytes: 2 }); // FIFO capacity 2
    acl.greylistAddr('10.0.0.1');
    acl.greylistAddr('10.0.0.2'); // full now, but the test happens before inserting
    expect(acl.greylistedIps()).toEqual({ ips: ['10.0.0.1', '10.0.0.2'], notReliableSince: undefined });
    await clock.advance(1000);
    const t1 = clock.now();
    acl.greylistAddr('10.0.0.1'); // already present: nothing is evicted, yet the date is set
    expect(acl.greylistedIps()).toEqual({ ips: ['10.0.0.2', '10.0.0.1'], notReliableSince: t1 });
    await clock.advance(1000);
    acl.greylistAddr('2001:DB8::3'); // evicts 10.0.0.2; the first date is kept
    expect(acl.greylistedIps()).toEqual({ ips: ['10.0.0.1', '2001:db8::3'], notReliableSince: t1 });
    expect(acl.isAddrGreylisted('10.0.0.2')).toBe(true); // the filter still has it
    acl.stop();
  });

  it('unbanning makes room without resetting the date', async () => {
    const clock = new FakeClock();
    const acl = new Acl({ clock, ipGreylistSizeInKilobytes: 1 });
    acl.greylistAddr('10.0.0.1');
    acl.unbanAddr('10.0.0.1');
    acl.greylistAddr('10.0.0.2'); // FIFO was emptied: still reliable
    expect(acl.greylistedIps().notReliableSince).toBeUndefined();
    acl.greylistAddr('10.0.0.3');
    expect(acl.greylistedIps()).toEqual({ ips: ['10.0.0.3'], notReliableSince: clock.now() });
    acl.stop();
  });
});

describe('clearGreylist vs gcGreylist vs clear', () => {
  function filled(clock: FakeClock): Acl {
    const acl = new Acl({ clock, ipGreylistSizeInKilobytes: 1 }); // FIFO capacity 1
    acl.greylistAddr('10.0.0.1');
    acl.greylistAddr('10.0.0.2'); // overflows: notReliableSince set
    acl.banAddr('10.0.0.9');
    acl.greylistPeer(peer(1));
    acl.banPeer(peer(2));
    return acl;
  }

  it('clearGreylist empties the Bloom filter only', () => {
    const clock = new FakeClock();
    const acl = filled(clock);
    acl.clearGreylist();
    expect(acl.isAddrGreylisted('10.0.0.2')).toBe(false);
    expect(acl.greylistedIps()).toEqual({ ips: ['10.0.0.2'], notReliableSince: clock.now() });
    expect(acl.isAddrBlacklisted('10.0.0.9')).toBe(true);
    expect(acl.isPeerGreylisted(peer(1))).toBe(true);
    expect(acl.isPeerBlacklisted(peer(2))).toBe(true);
    acl.stop();
  });

  it('clear empties all four lists and the listing, and makes it reliable again', () => {
    const clock = new FakeClock();
    const acl = filled(clock);
    acl.clear();
    expect(acl.isAddrGreylisted('10.0.0.2')).toBe(false);
    expect(acl.greylistedIps()).toEqual({ ips: [], notReliableSince: undefined });
    expect(acl.bannedIps()).toEqual([]);
    expect(acl.bannedPeers()).toEqual([]);
    expect(acl.greylistedPeers()).toEqual([]);
    expect(acl.bannedAddr('10.0.0.9')).toBe(false);
    expect(acl.bannedPeer(peer(2))).toBe(false);
    acl.stop();
  });

  it('gcGreylist counts down one step and drops listed IPs that left the filter', () => {
    const acl = new Acl({ clock: new FakeClock(), ipGreylistSizeInKilobytes: 4 });
    acl.greylistAddr('10.0.0.1');
    for (let i = 0; i < 5; i++) acl.gcGreylist();
    acl.greylistAddr('2001:db8::2');
    for (let i = 0; i < 9; i++) acl.gcGreylist(); // 14 steps for the first address
    expect(acl.greylistedIps().ips).toEqual(['10.0.0.1', '2001:db8::2']);
    acl.gcGreylist(); // 15th step
    expect(acl.isAddrGreylisted('10.0.0.1')).toBe(false);
    expect(acl.greylistedIps().ips).toEqual(['2001:db8::2']);
    for (let i = 0; i < 5; i++) acl.gcGreylist();
    expect(acl.greylistedIps().ips).toEqual([]);
    acl.stop();
  });

  it('gcGreylist also drops entries emptied by clearGreylist', () => {
    const acl = new Acl({ clock: new FakeClock(), ipGreylistSizeInKilobytes: 4 });
    acl.greylistAddr('10.0.0.1');
    acl.clearGreylist();
    expect(acl.greylistedIps().ips).toEqual(['10.0.0.1']);
    acl.gcGreylist();
    expect(acl.greylistedIps().ips).toEqual([]);
    acl.stop();
  });
});

describe('listings', () => {
  it('return canonical addresses, each once, and peer ids', () => {
    const acl = new Acl({ clock: new FakeClock(), ipGreylistSizeInKilobytes: 4 });
    acl.banAddr('::ffff:10.0.0.1');
    acl.banAddr('2001:DB8:0:0:0:0:0:1');
    acl.banAddr('10.0.0.1');
    acl.greylistAddr('::FFFF:192.0.2.1');
    acl.greylistAddr('0:0:0:0:0:0:0:1');
    acl.banPeer(peer(9));
    acl.banPeer(peer(8));
    acl.greylistPeer(peer(7));
    expect(acl.bannedIps()).toEqual(['10.0.0.1', '2001:db8::1']);
    expect(acl.greylistedIps().ips).toEqual(['192.0.2.1', '::1']);
    expect(acl.bannedPeers()).toEqual([peer(9), peer(8)]);
    expect(acl.greylistedPeers()).toEqual([peer(7)]);
    acl.stop();
  });

  it('propagate IpParseError for text that is not an address', () => {
    const acl = new Acl({ clock: new FakeClock(), ipGreylistSizeInKilobytes: 4 });
    expect(() => acl.greylistAddr('not-an-ip')).toThrow(IpParseError);
    expect(() => acl.isAddrGreylisted('1.2.3')).toThrow(IpParseError);
    expect(() => acl.banAddr('1::2::3')).toThrow(IpParseError);
    expect(() => acl.bannedAddr('[::1]')).toThrow(IpParseError);
    expect(() => acl.unbanAddr('')).toThrow(IpParseError);
    expect(acl.greylistedIps().ips).toEqual([]);
    acl.stop();
  });
});

describe('countdown timer lifecycle', () => {
  it('keeps exactly one timer and destroy leaves none, idempotently', async () => {
    const clock = new FakeClock();
    const acl = new Acl({ clock, ipGreylistSizeInKilobytes: 4, ipGreylistCleanupDelayMs: 1600 });
    expect(clock.pending).toBe(1);
    await clock.advance(1000); // 10 ticks
    expect(clock.pending).toBe(1);
    acl.stop();
    expect(clock.pending).toBe(0);
    acl.stop();
    await clock.advance(10_000);
    expect(clock.pending).toBe(0);
  });

  it('no longer decays after destroy', async () => {
    const clock = new FakeClock();
    const acl = new Acl({ clock, ipGreylistSizeInKilobytes: 4, ipGreylistCleanupDelayMs: 1600 });
    acl.greylistAddr('10.0.0.1');
    acl.stop();
    await clock.advance(10_000);
    expect(acl.isAddrGreylisted('10.0.0.1')).toBe(true);
  });
});

describe('configuration', () => {
  const invalid = expect.objectContaining({ name: 'AclError', code: 'INVALID_ACL_CONFIG' });

  it.each([
    { peerGreylistSize: 0 },
    { peerGreylistSize: -1 },
    { peerGreylistSize: 2.5 },
    { ipGreylistSizeInKilobytes: 0 },
    { ipGreylistSizeInKilobytes: -3 },
    { ipGreylistSizeInKilobytes: 8192 }, // index_bits 25 > 24
    { ipGreylistSizeInKilobytes: 65535 },
    { ipGreylistSizeInKilobytes: 1.5 },
    { ipGreylistCleanupDelayMs: 0 },
    { ipGreylistCleanupDelayMs: -1 },
    { ipGreylistCleanupDelayMs: Number.NaN },
    { ipGreylistCleanupDelayMs: Number.POSITIVE_INFINITY },
    { ipGreylistCleanupDelayMs: 16 * 2 ** 31 },
  ])('refuses %o', (config) => {
    const clock = new FakeClock();
    expect(() => new Acl({ clock, ...config })).toThrow(invalid);
    expect(() => new Acl({ clock, ...config })).toThrow(AclError);
    expect(clock.pending).toBe(0); // no timer left by a refused construction
  });

  it('accepts the largest filter Octez accepts (8191 kB: 2^24 cells)', () => {
    const clock = new FakeClock();
    const acl = new Acl({ clock, ipGreylistSizeInKilobytes: 8191 });
    expect(acl.ipFilterCells).toBe(2 ** 24);
    acl.stop();
  });

  it('uses the Octez defaults', () => {
    const clock = new FakeClock();
    const acl = new Acl({ clock });
    expect(acl.ipFilterCells).toBe(2 ** 23); // 4 MiB of 4-bit cells
    expect(acl.countdownPeriodMs).toBe(5_400_000);
    acl.stop();
  });
});

describe('parsed addresses for repeated checks', () => {
  it('bannedAddress / isAddressGreylisted agree with the text forms, and follow later changes', async () => {
    const { Acl } = await import('../src/index.js');
    const acl = new Acl({ ipGreylistSizeInKilobytes: 16 });
    const a = acl.address('::ffff:192.0.2.50');
    expect(a.key).toBe('192.0.2.50');
    expect(acl.bannedAddress(a)).toBe(false);
    acl.greylistAddr('192.0.2.50');
    expect(acl.isAddressGreylisted(a)).toBe(true);
    expect(acl.bannedAddress(a)).toBe(acl.bannedAddr('192.0.2.50'));
    acl.unbanAddr('192.0.2.50');
    acl.banAddr('192.0.2.50');
    expect(acl.isAddressGreylisted(a)).toBe(false);
    expect(acl.bannedAddress(a)).toBe(true);
    acl.stop();
  });
});
