import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfigFile, resolveSettings } from '../src/index.js';

const example = new URL('../examples/config.json', import.meta.url);

describe('the example config.json shipped in the README', () => {
  it('is valid and means what the README says', () => {
    const path = example.pathname;
    expect(() => readConfigFile(path)).not.toThrow();
    const s = resolveSettings({ configFile: path, dataDir: '/tmp/unused' });
    expect(s.chainName).toBe('TEZOS');
    expect(s.listen).toEqual({ host: '127.0.0.1', port: 9732, key: 'p2p.listen-addr' });
    expect(s.rpc).toEqual({ listen: [{ host: '127.0.0.1', port: 8732, key: 'rpc.listen-addrs' }], acl: [] });
    expect(s.bootstrapPeers).toEqual(['127.0.0.1:9733']);
    expect(s.limits).toMatchObject({
      connectionTimeoutMs: 10_000,
      minConnections: 2,
      expectedConnections: 4,
      maxConnections: 8,
      maxDownloadSpeed: 4096 * 1024,
      maintenanceIdleTimeMs: 30_000,
    });
    expect(s.reconnection).toEqual({
      factor: 1.2,
      initialDelayMs: 60_000,
      disconnectionDelayMs: 60_000,
      increaseCapMs: 172_800_000,
    });
  });

  it('is the one printed in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(readFileSync(example, 'utf8').trim());
  });
});
