import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '@tezos-p2p/events';
import { Acl } from '../src/index.js';

/**
 * acl.md §3: the countdown runs every delay/16; an address greylisted between two ticks keeps non-zero
 * cells for 15 ticks, so it stays greylisted for (14·delay/16, 15·delay/16].
 */
describe('IP greylist expiry on the countdown clock', () => {
  const DAY = 86_400_000;
  const TICK = DAY / 16; // 5400 s
  let acl: Acl | undefined;
  afterEach(() => acl?.stop());

  async function at(clock: FakeClock, t0: number, t: number): Promise<void> {
    await clock.advance(t0 + t - clock.now());
  }

  it.each([
    ['IPv4', '192.0.2.1', '::ffff:192.0.2.1'],
    ['IPv6', '2001:db8::7', '2001:DB8:0:0:0:0:0:7'],
  ])('%s: greylisted mid-period, expires on the 15th tick', async (_kind, ip, sameIp) => {
    const clock = new FakeClock();
    const t0 = clock.now();
    acl = new Acl({ clock }); // default sizes and delay: ticks at t0 + k·5400 s
    expect(acl.countdownPeriodMs).toBe(TICK);
    await at(clock, t0, TICK / 2);
    acl.greylistAddr(ip);
    expect(acl.isAddrGreylisted(sameIp)).toBe(true);
    await at(clock, t0, 15 * TICK - 1);
    expect(acl.isAddrGreylisted(ip)).toBe(true); // 14.5 ticks later
    await at(clock, t0, 15 * TICK);
    expect(acl.isAddrGreylisted(ip)).toBe(false);
    expect(acl.bannedAddr(sameIp)).toBe(false);
  });

  it('lasts exactly 15 ticks when added right after a tick (the closed upper end: 81000 s)', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    acl = new Acl({ clock });
    await at(clock, t0, TICK); // the first countdown has just run
    acl.greylistAddr('198.51.100.9');
    await at(clock, t0, 16 * TICK - 1);
    expect(acl.isAddrGreylisted('198.51.100.9')).toBe(true);
    await at(clock, t0, 16 * TICK);
    expect(acl.isAddrGreylisted('198.51.100.9')).toBe(false);
    expect(16 * TICK - TICK).toBe(81_000_000);
  });

  it('lasts just over 14 ticks when added just before a tick (the open lower end: 75600 s)', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    acl = new Acl({ clock });
    await at(clock, t0, 2 * TICK - 1);
    acl.greylistAddr('2001:db8::1');
    await at(clock, t0, 16 * TICK - 1);
    expect(acl.isAddrGreylisted('2001:db8::1')).toBe(true);
    await at(clock, t0, 16 * TICK);
    expect(acl.isAddrGreylisted('2001:db8::1')).toBe(false); // after 14 ticks + 1 ms
    expect(14 * TICK).toBe(75_600_000);
  });

  it('greylisting again resets the cells to 15', async () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    acl = new Acl({ clock, ipGreylistSizeInKilobytes: 16, ipGreylistCleanupDelayMs: 16_000 });
    const tick = 1000;
    await at(clock, t0, tick / 2);
    acl.greylistAddr('10.1.2.3');
    await at(clock, t0, 10 * tick + tick / 2);
    acl.greylistAddr('::ffff:10.1.2.3');
    await at(clock, t0, 15 * tick);
    expect(acl.isAddrGreylisted('10.1.2.3')).toBe(true); // would have expired without the second add
    await at(clock, t0, 25 * tick - 1);
    expect(acl.isAddrGreylisted('10.1.2.3')).toBe(true);
    await at(clock, t0, 25 * tick);
    expect(acl.isAddrGreylisted('10.1.2.3')).toBe(false);
  });

  it('the timer decays the filter but leaves the listing (expired IPs stay listed, as in Octez)', async () => {
    const clock = new FakeClock();
    acl = new Acl({ clock, ipGreylistSizeInKilobytes: 16, ipGreylistCleanupDelayMs: 16_000 });
    acl.greylistAddr('10.9.9.9');
    await clock.advance(16_000);
    expect(acl.isAddrGreylisted('10.9.9.9')).toBe(false);
    expect(acl.greylistedIps().ips).toEqual(['10.9.9.9']);
  });
});
