import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfigFile, resolveSettings } from '../src/index.js';

// config.json files as `octez-node config init` / `config update` (v25.1) write them; how each was
// derived is in fixtures/octez-config/README.md.
const fixture = (name: string) => new URL(`./fixtures/octez-config/${name}`, import.meta.url).pathname;
const settingsOf = (name: string) => resolveSettings({ configFile: fixture(name), dataDir: '/tmp/tzp2p-unused' });
const MAINNET_PEERS = ['boot.tzinit.org', 'boot.tzboot.net', 'boot.tzbeta.net'];

describe('config.json files written by octez-node are accepted', () => {
  it('config init: mainnet, listening on [::]:9732, the network peers written out, nothing to report', () => {
    const s = settingsOf('mainnet-default.json');
    expect(s.chainName).toBe('TEZOS_MAINNET');
    expect(s.listen).toEqual({ host: '::', port: 9732, key: 'p2p.listen-addr' });
    expect(s.bootstrapPeers).toEqual(MAINNET_PEERS);
    expect(s.limits).toEqual({});
    expect(s.rpc).toBeUndefined();
    expect(s.notes).toEqual([]);
  });

  it('config init --history-mode rolling: the shell section is accepted and reported once as without effect', () => {
    const s = settingsOf('rolling.json');
    expect(s.chainName).toBe('TEZOS_MAINNET');
    expect(s.notes).toEqual(['config.json keys accepted without effect: shell.history_mode']);
  });

  it("config init --network ghostnet: the alias gives the chain name, the written peers are ghostnet's", () => {
    const s = settingsOf('ghostnet.json');
    expect(s.chainName).toBe('TEZOS_ITHACANET_2022-01-25T15:00:00Z');
    expect(s.bootstrapPeers).toContain('ghostnet.stakenow.de:9733');
    expect(s.notes).toEqual([]);
  });

  it('config init with RPC addresses, --allow-all-rpc, CORS, media type and metrics: RPC, ACL and connection cap used, metrics served, the rest reported', () => {
    const s = settingsOf('rpc-acl.json');
    expect(s.dataDir).toBe('/tmp/tzp2p-unused'); // --data-dir wins over the file's data-dir, as octez-node
    expect(s.rpc).toEqual({
      listen: [
        { host: '127.0.0.1', port: 8732, key: 'rpc.listen-addrs' },
        { host: '0.0.0.0', port: 8733, key: 'rpc.listen-addrs' },
      ],
      acl: [{ address: '0.0.0.0:8733', blacklist: [] }],
      maxConnections: 200,
    });
    expect(s.metricsAddrs).toEqual([{ host: 'localhost', port: 9932, key: 'metrics_addr' }]);
    expect(s.notes).toEqual([
      'config.json keys accepted without effect: rpc.cors-origin, rpc.cors-headers, rpc.media-type',
    ]);
    expect(resolveSettings({ configFile: fixture('rpc-acl.json') }).dataDir).toBe('/var/lib/octez');
  });

  it('config init --log-output FILE --log-coloring false: logs go to that file at notice (info here)', () => {
    const s = settingsOf('log-file.json');
    expect(s.logOutput).toEqual({ kind: 'file', path: '/var/log/octez/node.log' });
    expect(s.logLevel).toBe('info');
    expect(s.notes).toEqual(['config.json keys accepted without effect: log.colors, log.advertises_level']);
  });

  it('config init --network FILE: the whole network object, its chain name and default peers used, the rest reported', () => {
    const s = settingsOf('network-object.json');
    expect(s.chainName).toBe('TEZOS_EXAMPLENET_2025-06-01T12:00:00Z');
    expect(s.bootstrapPeers).toEqual(['examplenet.example.org', '203.0.113.7:9733']);
    expect(s.notes).toEqual([
      'config.json keys accepted without effect: network.genesis, network.genesis_parameters, network.sandboxed_chain_name, network.user_activated_upgrades, network.dal_config',
    ]);
  });

  it("Octez's documented config sequence (node-config.sh): limits with Octez's shifted queue keys, private mode, sandbox", () => {
    const s = settingsOf('octez-docs-node-config.json');
    expect(s.chainName).toBe('TEZOS');
    expect(s.listen).toEqual({ host: '1.2.3.4', port: 9732, key: 'p2p.listen-addr' });
    expect(s.privateMode).toBe(true);
    expect(s.bootstrapPeers).toEqual(['[::]:10732', '192.168.1.3:9733']);
    expect(s.rpc?.listen).toEqual([{ host: 'localhost', port: 8733, key: 'rpc.listen-addrs' }]);
    // Octez writes `"outgoing-message-queue-size": 10` for its application queue of 10 messages (Q2)
    // and `"connection-timeout": 10` because its encoding's default is 5 (Q1).
    expect(s.limits).toEqual({
      connectionTimeoutMs: 10_000,
      minConnections: 12,
      expectedConnections: 25,
      maxConnections: 37,
      incomingAppMessageQueueSize: 10,
      // `"incoming-app-message-queue-size": 8388608`: Octez's incoming_message_queue_size (Q2).
      incomingMessageQueueSize: 8388608,
      maxKnownPoints: { max: 200, target: 150 },
      maxKnownPeerIds: { max: 200, target: 150 },
    });
    expect(s.logOutput).toEqual({ kind: 'file', path: 'octez-node.log' });
    expect(s.notes).toEqual([
      'config.json keys accepted without effect: log.advertises_level, shell.chain_validator, shell.history_mode',
    ]);
  });

  it('every fixture is described in the README', () => {
    const readme = readFileSync(fixture('README.md'), 'utf8');
    for (const f of [
      'mainnet-default',
      'rolling',
      'ghostnet',
      'rpc-acl',
      'log-file',
      'network-object',
      'network-examplenet',
      'octez-docs-node-config',
    ]) {
      expect(readme, f).toContain(`${f}.json`);
      expect(() => JSON.parse(readFileSync(fixture(`${f}.json`), 'utf8'))).not.toThrow();
    }
    expect(() => readConfigFile(fixture('network-examplenet.json'))).toThrow(/^genesis: expected a known key/);
  });
});
