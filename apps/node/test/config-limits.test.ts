import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveLimits } from '@tezos-p2p/p2p';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveSettings } from '../src/index.js';
import { configWriter, thrown } from './errors-of.js';

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-limits-'));
const withConfig = configWriter(dir);
const configError = (f: () => unknown): ConfigError => thrown(ConfigError, f);

describe('--connections', () => {
  it('0 is accepted as Octez (its GC test uses it): no connections and empty peer tables', () => {
    const s = resolveSettings({ dataDir: dir, connections: '0' });
    expect(s.limits).toMatchObject({
      minConnections: 0,
      expectedConnections: 0,
      maxConnections: 0,
      maxKnownPoints: { max: 0, target: 0 },
      maxKnownPeerIds: { max: 0, target: 0 },
    });
    expect(() => resolveLimits(s.limits)).not.toThrow();
  });

  it('1 keeps a minimum of 1; the peer table is 8N with target 6N', () => {
    expect(resolveSettings({ dataDir: dir, connections: '1' }).limits).toMatchObject({
      minConnections: 1,
      expectedConnections: 1,
      maxConnections: 1,
      maxKnownPoints: { max: 8, target: 6 },
    });
  });

  it("above 100 only with --disable-config-validation; the config.json key does not lift Octez's cap", () => {
    const e = configError(() => resolveSettings({ dataDir: dir, connections: '101' }));
    expect(e.message).toBe(
      "--connections: expected at most 100 (Octez's cap; --disable-config-validation lifts it), got 101",
    );
    expect(resolveSettings({ dataDir: dir, connections: '200', disableConfigValidation: true }).limits).toMatchObject({
      minConnections: 100,
      expectedConnections: 200,
      maxConnections: 300,
    });
    const cfg = withConfig({ 'disable-config-validation': true });
    expect(configError(() => resolveSettings({ dataDir: dir, configFile: cfg, connections: '101' })).key).toBe(
      '--connections',
    );
  });
});

describe('options of ours: --max-incoming-per-address, --peers-save-interval', () => {
  it('set the per-address cap and the save interval (seconds; 0: only at shutdown, as Octez)', () => {
    expect(resolveSettings({ dataDir: dir, maxIncomingPerAddress: '8', peersSaveInterval: '5' }).limits).toMatchObject({
      maxIncomingConnectionsPerAddress: 8,
      peersFileSaveIntervalMs: 5000,
    });
    expect(resolveSettings({ dataDir: dir, peersSaveInterval: '0' }).limits.peersFileSaveIntervalMs).toBeNull();
    const defaults = resolveLimits(resolveSettings({ dataDir: dir }).limits);
    expect(defaults).toMatchObject({ maxIncomingConnectionsPerAddress: 4, peersFileSaveIntervalMs: 60_000 });
  });

  it('refuse what is out of range, naming the option', () => {
    expect(configError(() => resolveSettings({ dataDir: dir, maxIncomingPerAddress: '0' })).message).toBe(
      '--max-incoming-per-address: expected an integer in [1, 65535], got 0',
    );
    expect(configError(() => resolveSettings({ dataDir: dir, peersSaveInterval: '1.5' })).key).toBe(
      '--peers-save-interval',
    );
    expect(configError(() => resolveSettings({ dataDir: dir, peersSaveInterval: '86401' })).key).toBe(
      '--peers-save-interval',
    );
    expect(configError(() => resolveSettings({ dataDir: dir, readBudget: '-1' })).key).toBe('--read-budget');
    expect(configError(() => resolveSettings({ dataDir: dir, writeBudget: 'lots' })).key).toBe('--write-budget');
  });
});

describe('options of ours: --read-budget, --write-budget', () => {
  it("set the memory budgets' shared pools in MiB; each connection keeps its guaranteed slice", () => {
    const l = resolveLimits(resolveSettings({ dataDir: dir, readBudget: '64', writeBudget: '0' }).limits);
    expect(l.readBudget).toEqual({ guaranteedPerConnection: 1 << 20, shared: 64 << 20 });
    expect(l.writeBudget).toEqual({ guaranteedPerConnection: 1 << 20, shared: 0 });
    expect(resolveLimits(resolveSettings({ dataDir: dir }).limits).readBudget).toEqual({
      guaranteedPerConnection: 1 << 20,
      shared: 256 << 20,
    });
  });
});

describe("Octez's Config_validation, and disable-config-validation", () => {
  it('refuses min > expected, expected > max and peer tables too small for max-connections, naming the key', () => {
    const cases: [unknown, string][] = [
      [{ 'min-connections': 60 }, 'p2p.limits.min-connections'],
      [{ 'expected-connections': 120 }, 'p2p.limits.expected-connections'],
      [{ max_known_peer_ids: [50, 60] }, 'p2p.limits.max_known_peer_ids'],
      [{ max_known_points: [400, 99] }, 'p2p.limits.max_known_points'],
    ];
    for (const [limits, key] of cases) {
      const cfg = withConfig({ p2p: { limits } });
      const e = configError(() => resolveSettings({ dataDir: dir, configFile: cfg }));
      expect(e.key, key).toBe(key);
      expect(e.expected).toContain('disable-config-validation skips this check');
      expect(() => resolveSettings({ dataDir: dir, configFile: cfg, disableConfigValidation: true })).not.toThrow();
      expect(() =>
        resolveSettings({
          dataDir: dir,
          configFile: withConfig({ 'disable-config-validation': true, p2p: { limits } }),
        }),
      ).not.toThrow();
    }
  });

  it('checks after the command line applies: --connections fixes what the file got wrong', () => {
    const cfg = withConfig({ p2p: { limits: { 'min-connections': 60 } } });
    expect(resolveSettings({ dataDir: dir, configFile: cfg, connections: '20' }).limits).toMatchObject({
      minConnections: 10,
      expectedConnections: 20,
      maxConnections: 30,
    });
  });

  it("refuses a proof of work outside [0, 256] in config.json (Data_encoding's float takes any)", () => {
    const cfg = withConfig({ p2p: { 'expected-proof-of-work': 300 } });
    expect(configError(() => resolveSettings({ dataDir: dir, configFile: cfg })).key).toBe(
      'p2p.expected-proof-of-work',
    );
    const off = resolveSettings({
      dataDir: dir,
      configFile: withConfig({ 'disable-config-validation': true, p2p: { 'expected-proof-of-work': 300 } }),
    });
    expect(off.expectedPow).toBe(300);
    expect(off.notes).toEqual(['disabled node configuration validation']);
  });
});
