import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerIdFromBytes } from '@tezos-p2p/wire';
import {
  ConfigError,
  limitsFromJson,
  parseConfig,
  parseDiscoveryAddr,
  parseHostPort,
  resolveDiscoveryAddr,
  resolvePeers,
  resolveSettings,
} from '../src/index.js';
import { configWriter, thrown } from './errors-of.js';

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-settings-'));
const withConfig = configWriter(dir);

const configError = (f: () => unknown): ConfigError => thrown(ConfigError, f);

describe('resolveSettings', () => {
  it('defaults as octez-node: mainnet, [::]:9732, pow 26, no RPC, network bootstrap peers', () => {
    const s = resolveSettings({ dataDir: dir });
    expect(s.chainName).toBe('TEZOS_MAINNET');
    expect(s.listen).toEqual({ host: '::', port: 9732, key: 'p2p.listen-addr' });
    expect(s.expectedPow).toBe(26);
    expect(s.rpc).toBeUndefined();
    expect(s.discovery).toBeUndefined();
    expect(s.bootstrapPeers).toEqual(['boot.tzinit.org', 'boot.tzboot.net', 'boot.tzbeta.net']);
    expect(s.limits).toEqual({});
    expect(s.identityFile).toBe(join(dir, 'identity.json'));
    expect(s.peersFile).toBe(join(dir, 'peers.json'));
    expect(s.logLevel).toBe('info');
    expect(s.logOutput).toEqual({ kind: 'stderr' });
    expect(s.metricsAddrs).toEqual([]);
    expect(s.notes).toEqual([]);
  });

  it('command line over config.json over network defaults; --peer adds to bootstrap peers', () => {
    const cfg = withConfig({
      network: 'ghostnet',
      p2p: { 'bootstrap-peers': ['10.0.0.1'], 'expected-proof-of-work': 20, 'listen-addr': '0.0.0.0:1234' },
    });
    const s = resolveSettings({ dataDir: dir, configFile: cfg, expectedPow: '3', peer: ['127.0.0.1:9999'] });
    expect(s.chainName).toBe('TEZOS_ITHACANET_2022-01-25T15:00:00Z');
    expect(s.bootstrapPeers).toEqual(['10.0.0.1', '127.0.0.1:9999']);
    expect(s.expectedPow).toBe(3);
    expect(s.listen).toEqual({ host: '0.0.0.0', port: 1234, key: 'p2p.listen-addr' });
    const noBoot = resolveSettings({
      dataDir: dir,
      configFile: cfg,
      bootstrapPeers: false,
      peer: ['127.0.0.1:1'],
      chainName: 'MINE',
      netAddr: '[::1]:77',
    });
    expect(noBoot.bootstrapPeers).toEqual(['127.0.0.1:1']);
    expect(noBoot.chainName).toBe('MINE');
    expect(noBoot.listen).toEqual({ host: '::1', port: 77, key: '--net-addr' });
  });

  it('a custom network object in config.json gives the chain name and peers', () => {
    const genesis = {
      timestamp: '2018-06-30T16:07:32Z',
      block: 'BLockGenesisGenesisGenesisGenesisGenesisf79b5d1CoW2',
      protocol: 'Ps9mPmXaRzmzk35gbAYNCAw6UXdE2qoABTHbN2oEEc1qM7CwT9P',
    };
    const cfg = withConfig({
      network: {
        genesis,
        chain_name: 'TEZOS_CUSTOM',
        sandboxed_chain_name: 'SANDBOXED_TEZOS',
        default_bootstrap_peers: ['127.0.0.2:9732'],
      },
    });
    const s = resolveSettings({ dataDir: dir, configFile: cfg });
    expect(s.chainName).toBe('TEZOS_CUSTOM');
    expect(s.bootstrapPeers).toEqual(['127.0.0.2:9732']);
    // Octez's blockchain_network_encoding requires the genesis and the sandboxed chain name.
    expect(
      configError(() =>
        resolveSettings({ dataDir: dir, configFile: withConfig({ network: { chain_name: 'TEZOS_CUSTOM' } }) }),
      ).key,
    ).toBe('network.genesis');
  });

  it('--connections N sets min N/2, expected N, max 3N/2 and an 8N peer table', () => {
    const s = resolveSettings({ dataDir: dir, connections: '10' });
    expect(s.limits).toMatchObject({
      minConnections: 5,
      expectedConnections: 10,
      maxConnections: 15,
      maxKnownPoints: { max: 80, target: 60 },
      maxKnownPeerIds: { max: 80, target: 60 },
    });
    expect(resolveSettings({ dataDir: dir, connections: '10', peerTableSize: '100' }).limits.maxKnownPoints).toEqual({
      max: 100,
      target: 75,
    });
  });

  it('speeds are KiB/s, chunk sizes KiB; the disable flags null the timers', () => {
    const s = resolveSettings({
      dataDir: dir,
      maxDownloadSpeed: '10',
      maxUploadSpeed: '20',
      binaryChunksSize: '4',
      disableP2pMaintenance: true,
      disableP2pSwap: true,
    });
    expect(s.limits).toMatchObject({
      maxDownloadSpeed: 10240,
      maxUploadSpeed: 20480,
      binaryChunksSize: 4096,
      maintenanceIdleTimeMs: null,
      swapLingerMs: null,
    });
  });

  it('rejects bad values naming the option and what it expected', () => {
    expect(configError(() => resolveSettings({ dataDir: dir, connections: '-1' })).message).toBe(
      '--connections: expected an integer in [0, 100], got -1',
    );
    expect(configError(() => resolveSettings({ dataDir: dir, network: 'moonnet' })).key).toBe('--network');
    expect(configError(() => resolveSettings({ dataDir: dir, expectedPow: 'x' })).key).toBe('--expected-pow');
    expect(configError(() => resolveSettings({ dataDir: dir, rpcAddr: 'a:b:c' })).key).toBe('--rpc-addr');
    expect(configError(() => resolveSettings({ dataDir: dir, chainName: '' })).key).toBe('--chain-name');
    expect(configError(() => resolveSettings({ dataDir: dir, configFile: join(dir, 'missing.json') })).expected).toBe(
      'a readable config file',
    );
  });
});

describe('config.json validation', () => {
  it('names the key of each problem', () => {
    const e = configError(() => parseConfig({ p2p: { limits: { 'max-connections': -1 }, 'private-mode': 'yes' } }));
    expect(e.message).toContain('max-connections');
    expect(e.message).toContain('private-mode');
  });

  it('refuses unknown keys, as Data_encoding does', () => {
    expect(configError(() => parseConfig({ p2p: { 'listen-address': '[::]:9732' } })).message).toContain(
      'listen-address',
    );
  });
});

describe('limitsFromJson: Octez encoding quirks', () => {
  it('Q1: a limits object without connection-timeout means 5 s; Q3: without max_known_* means no GC', () => {
    expect(limitsFromJson({ 'min-connections': 3 })).toEqual({
      connectionTimeoutMs: 5000,
      maxKnownPoints: null,
      maxKnownPeerIds: null,
      minConnections: 3,
    });
    expect(limitsFromJson(undefined)).toEqual({});
  });

  it('Q2: each queue key sets the field Octez gives it, null queues are unbounded, keys without a field are reported', () => {
    const l = limitsFromJson({
      'outgoing-message-queue-size': 7,
      'incoming-app-message-queue-size': 8,
      'incoming-message-queue-size': 9,
      'read-queue-size': null,
      'write-queue-size': 11,
    });
    expect(l).toEqual({
      connectionTimeoutMs: 5000,
      maxKnownPoints: null,
      maxKnownPeerIds: null,
      // incoming_app_message_queue_size, incoming_message_queue_size, outgoing_message_queue_size
      incomingAppMessageQueueSize: 7,
      incomingMessageQueueSize: 8,
      outgoingMessageQueueSize: 9,
      readQueueSize: 2 ** 31 - 1,
      writeQueueSize: 11,
    });
    const s = resolveSettings({
      dataDir: dir,
      configFile: withConfig({
        p2p: {
          limits: {
            'incoming-app-message-queue-size': 8,
            'incoming-message-queue-size': null,
            'read-buffer-size': 1,
            'greylist-timeout': 5,
          },
        },
      }),
    });
    expect(s.limits).toMatchObject({ incomingMessageQueueSize: 8, outgoingMessageQueueSize: 2 ** 31 - 1 });
    expect(s.notes).toEqual([
      'config.json keys accepted without effect: p2p.limits.read-buffer-size, p2p.limits.greylist-timeout',
    ]);
  });
});

describe('addresses', () => {
  it('parses Octez address forms', () => {
    expect(parseHostPort('[::]:9732', 1, 'k')).toEqual({ host: '::', port: 9732 });
    expect(parseHostPort(':9000', 1, 'k')).toEqual({ host: '::', port: 9000 });
    expect(parseHostPort('_:9000', 1, 'k', 'localhost')).toEqual({ host: 'localhost', port: 9000 });
    expect(parseHostPort('127.0.0.1', 9732, 'k')).toEqual({ host: '127.0.0.1', port: 9732 });
    expect(parseHostPort('localhost:1', 9, 'k')).toEqual({ host: 'localhost', port: 1 });
    expect(() => parseHostPort('::1:9732', 1, 'k')).toThrow(/brackets/);
    expect(() => parseHostPort('1.2.3.4:70000', 1, 'k')).toThrow(ConfigError);
  });

  it('resolves names to every address, keeps the expected peer id, warns on unknown names', async () => {
    const warnings: string[] = [];
    const id = 'idrFQwnkJCUoH8qPTvuUtTAx5ZtNZ1';
    const points = await resolvePeers([`127.0.0.1:9000#${id}`, 'localhost:9001', 'no-such-host.invalid'], 9732, (m) =>
      warnings.push(m),
    );
    expect(points[0]).toEqual({ point: { ip: '127.0.0.1', port: 9000 }, expectedPeerId: id });
    expect(points.slice(1).every((p) => p.point.port === 9001 && p.expectedPeerId === undefined)).toBe(true);
    expect(points.length).toBeGreaterThanOrEqual(2);
    expect(warnings).toHaveLength(1);
    await expect(resolvePeers(['127.0.0.1#notanid'], 9732, () => undefined)).rejects.toThrow(ConfigError);
  });

  // Regression: `--discovery-addr :10732` made the node fail at start-up (`discoveryAddr must be an IPv4
  // address, got "::"`) and a name was refused (`must be an IPv4 literal`). Octez's
  // resolve_discovery_addrs defaults the address to 255.255.255.255 and resolves names to IPv4.
  it('reads discovery-addr as Octez: an empty address is 255.255.255.255, IPv4 only, names resolved at start-up', async () => {
    expect(parseDiscoveryAddr(':10732', 10732, 'k')).toEqual({ host: '255.255.255.255', port: 10732, key: 'k' });
    expect(parseDiscoveryAddr(':7', 10732, 'k')).toEqual({ host: '255.255.255.255', port: 7, key: 'k' });
    expect(parseDiscoveryAddr('10.1.2.255', 10732, 'k')).toEqual({ host: '10.1.2.255', port: 10732, key: 'k' });
    expect(parseDiscoveryAddr('[::ffff:10.1.2.255]:5', 10732, 'k')).toEqual({ host: '10.1.2.255', port: 5, key: 'k' });
    expect(parseDiscoveryAddr('localhost:5', 10732, 'k')).toEqual({ host: 'localhost', port: 5, key: 'k' });
    expect(configError(() => parseDiscoveryAddr('[::1]:5', 10732, '--discovery-addr')).message).toMatch(
      /^--discovery-addr: expected an IPv4 address/,
    );
    expect(configError(() => parseDiscoveryAddr('[fe80::1%eth0]', 10732, 'k')).key).toBe('k');

    const s = resolveSettings({ dataDir: dir, discoveryAddr: ':10732' });
    expect(s.discovery).toEqual({ host: '255.255.255.255', port: 10732, key: '--discovery-addr' });
    const fromConfig = resolveSettings({
      dataDir: dir,
      configFile: withConfig({ p2p: { 'discovery-addr': '192.168.1.255' } }),
    });
    expect(fromConfig.discovery).toEqual({ host: '192.168.1.255', port: 10732, key: 'p2p.discovery-addr' });

    expect(await resolveDiscoveryAddr({ host: '10.0.0.255', port: 1, key: 'k' })).toEqual({
      host: '10.0.0.255',
      port: 1,
      key: 'k',
    });
    expect(await resolveDiscoveryAddr({ host: 'localhost', port: 1, key: 'k' })).toEqual({
      host: '127.0.0.1',
      port: 1,
      key: 'k',
    });
    await expect(
      resolveDiscoveryAddr({ host: 'no-such-host.invalid', port: 1, key: 'p2p.discovery-addr' }),
    ).rejects.toThrow(/^p2p\.discovery-addr: expected an IPv4 address or a name/);
  });
});

describe('an address with a #peer_id where none is used (P2p_resolve.resolve_addr)', () => {
  const id = peerIdFromBytes(new Uint8Array(16).fill(7));
  it("is accepted with Octez's config_peer_id_unused warning; a bad id is refused", () => {
    expect(parseHostPort(`127.0.0.1:9732#${id}`, 1, 'k')).toEqual({ host: '127.0.0.1', port: 9732, unusedPeerId: id });
    const s = resolveSettings({
      dataDir: dir,
      netAddr: `127.0.0.1:9732#${id}`,
      discoveryAddr: `:10000#${id}`,
      rpcAddr: `127.0.0.1:8732#${id}`,
    });
    expect(s.listen).toMatchObject({ host: '127.0.0.1', port: 9732 });
    expect(s.discovery).toMatchObject({ host: '255.255.255.255', port: 10000 });
    expect(s.notes).toEqual(
      expect.arrayContaining([
        `--net-addr: the peer id ${id} after the address is not used`,
        `--discovery-addr: the peer id ${id} after the address is not used`,
        `--rpc-addr: the peer id ${id} after the address is not used`,
      ]),
    );
    expect(configError(() => resolveSettings({ dataDir: dir, netAddr: '127.0.0.1:9732#idNotAPeerId' })).key).toBe(
      '--net-addr',
    );
  });
});
