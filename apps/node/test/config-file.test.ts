import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/index.js';
import { thrown } from './errors-of.js';

const configError = (f: () => unknown): ConfigError => thrown(ConfigError, f);
const refusedKey = (json: unknown) => configError(() => parseConfig(json)).key;

const GENESIS = {
  timestamp: '2018-06-30T16:07:32Z',
  block: 'BLockGenesisGenesisGenesisGenesisGenesisf79b5d1CoW2',
  protocol: 'Ps9mPmXaRzmzk35gbAYNCAw6UXdE2qoABTHbN2oEEc1qM7CwT9P',
};
const PARIS = 'PsParisCZo7KAh1Z1smVd9ZMZ1HHn5gkzbM94V3PLCpknFWhUAi';

/** Every key Octez v25.1's `Config_file.encoding` knows, each with a value of its type. */
const EVERYTHING = {
  'data-dir': '/var/lib/octez',
  'disable-config-validation': true,
  rpc: {
    'listen-addrs': ['localhost:8732'],
    'external-listen-addrs': ['0.0.0.0:8733'],
    'cors-origin': ['*'],
    'cors-headers': ['Content-Type'],
    crt: '/etc/octez/rpc.crt',
    key: '/etc/octez/rpc.key',
    acl: [
      { address: 'localhost:8732', whitelist: ['GET /network/**'] },
      { address: '0.0.0.0', blacklist: ['POST /injection/**'] },
    ],
    'media-type': 'binary',
    max_active_rpc_connections: 'unlimited',
    'enable-http-cache-headers': true,
  },
  p2p: {
    'expected-proof-of-work': 24.5,
    'bootstrap-peers': ['boot.tzinit.org'],
    'listen-addr': '[::]:9732',
    'advertised-net-port': 9733,
    'discovery-addr': null,
    'private-mode': false,
    limits: {
      'connection-timeout': 10,
      'authentication-timeout': 5,
      'min-connections': 10,
      'expected-connections': 50,
      'max-connections': 100,
      backlog: 20,
      'max-incoming-connections': 20,
      'max-download-speed': 1024,
      'max-upload-speed': 1024,
      'swap-linger': null,
      'binary-chunks-size': 8,
      'read-buffer-size': 16384,
      'read-queue-size': null,
      'write-queue-size': 8388608,
      'incoming-app-message-queue-size': 8388608,
      'incoming-message-queue-size': null,
      'outgoing-message-queue-size': 10,
      max_known_points: [400, 300],
      max_known_peer_ids: [400, 300],
      peer_greylist_size: 1023,
      ip_greylist_size_in_kilobytes: 2048,
      ip_greylist_cleanup_delay: 86400,
      'greylist-timeout': 86400,
      'maintenance-idle-time': 120,
    },
    disable_mempool: false,
    enable_testchain: false,
    greylisting_config: { factor: 1.2, 'initial-delay': 1, 'disconnection-delay': 60, 'increase-cap': 172800 },
    disable_peer_discovery: false,
  },
  log: {
    output: 'syslog:daemon',
    level: 'warning',
    colors: false,
    rules: 'p2p -> debug; * -> notice; none',
    advertises_level: true,
  },
  'internal-events': { active_sinks: ['file-descriptor-stdout://?level-at-least=info'] },
  shell: {
    peer_validator: {
      block_header_request_timeout: 300,
      block_operations_request_timeout: 300,
      protocol_request_timeout: 600,
      new_head_request_timeout: 90,
    },
    block_validator: { protocol_request_timeout: 120, operation_metadata_size_limit: 'unlimited' },
    prevalidator: { operations_request_timeout: 10, max_refused_operations: 1000, operations_batch_size: 50 },
    chain_validator: { latency: 50, synchronisation_threshold: 4 },
    history_mode: { rolling: { additional_cycles: 5 } },
    disable_context_pruning: true,
    storage_maintenance_delay: { custom: 100 },
  },
  network: {
    genesis: GENESIS,
    genesis_parameters: {
      context_key: 'sandbox_parameter',
      values: { genesis_pubkey: 'edpkuSLWfVU1Vq7Jg9FucPyKmma6otcMHac9zG4oU1KMHSTBpJuGQ2' },
    },
    chain_name: 'TEZOS_X',
    old_chain_name: 'TEZOS_OLD',
    incompatible_chain_name: 'INCOMPATIBLE',
    sandboxed_chain_name: 'SANDBOXED_TEZOS',
    user_activated_upgrades: [{ level: 28082, replacement_protocol: PARIS }],
    user_activated_protocol_overrides: [{ replaced_protocol: PARIS, replacement_protocol: PARIS }],
    default_bootstrap_peers: ['127.0.0.1:9732'],
    dal_config: { activated: true, bootstrap_peers: [] },
  },
  metrics_addr: [':9932', '[::1]:9933'],
  profiling: {
    'days-kept': 7,
    verbosity: 'chain_validator->debug',
    backends: ['txt', 'json'],
    'output-dir': '/tmp/prof',
  },
};

describe('config.json: what Octez accepts', () => {
  it("every key of every section, with Octez's value types", () => {
    expect(parseConfig(EVERYTHING)).toEqual(EVERYTHING);
  });

  it("the other forms of Octez's unions", () => {
    const forms = [
      { rpc: { 'listen-addr': 'localhost' } }, // legacy single address
      { rpc: { max_active_rpc_connections: 50 } },
      { p2p: { 'discovery-addr': ':10732' } },
      { 'internal-events': { activate: ['file-descriptor-stderr://'] } },
      { 'internal-events': {} },
      { shell: { chain_validator: { bootstrap_threshold: 2 } } },
      {
        shell: {
          history_mode: 'archive',
          storage_maintenance_delay: 'auto',
          block_validator: { operation_metadata_size_limit: 10_000_000 },
        },
      },
      { shell: { history_mode: { full: { additional_cycles: 0 } }, storage_maintenance_delay: 'disabled' } },
      { network: 'shadownet' },
      { network: { genesis: { ...GENESIS, timestamp: '1530375452' }, chain_name: 'A', sandboxed_chain_name: 'B' } },
      { log: { level: 'fatal', output: '/dev/null' } },
    ];
    for (const f of forms) expect(() => parseConfig(f), JSON.stringify(f)).not.toThrow();
  });
});

describe('config.json: what Octez refuses, with the key named', () => {
  it('unknown keys, at every depth (Data_encoding refuses them)', () => {
    expect(refusedKey({ 'listen-addr': '[::]:9732' })).toBe('listen-addr');
    expect(refusedKey({ p2p: { 'listen-address': '[::]:9732' } })).toBe('p2p.listen-address');
    expect(refusedKey({ p2p: { limits: { 'max-conections': 5 } } })).toBe('p2p.limits.max-conections');
    expect(refusedKey({ rpc: { 'listen-adrs': [] } })).toBe('rpc.listen-adrs');
    expect(refusedKey({ shell: { history: 'rolling' } })).toBe('shell.history');
    expect(refusedKey({ log: { verbosity: 'info' } })).toBe('log.verbosity');
    expect(refusedKey({ profiling: { days: 1 } })).toBe('profiling.days');
    expect(refusedKey({ network: { ...EVERYTHING.network, name: 'x' } })).toBe('network.name');
  });

  it('null where Octez has an `opt` field of a non-null type', () => {
    const e = configError(() => parseConfig({ p2p: { 'listen-addr': null } }));
    expect(e.key).toBe('p2p.listen-addr');
    expect(e.message).toMatch(/^p2p\.listen-addr: expected string/);
    expect(refusedKey({ p2p: { 'bootstrap-peers': null } })).toBe('p2p.bootstrap-peers');
    expect(refusedKey({ p2p: { 'advertised-net-port': null } })).toBe('p2p.advertised-net-port');
    expect(refusedKey({ p2p: { limits: { 'max-download-speed': null } } })).toBe('p2p.limits.max-download-speed');
  });

  it("values out of their encoding's range or of the wrong type", () => {
    expect(refusedKey({ p2p: { limits: { 'max-connections': 65536 } } })).toBe('p2p.limits.max-connections');
    expect(refusedKey({ p2p: { limits: { backlog: 256 } } })).toBe('p2p.limits.backlog');
    expect(refusedKey({ p2p: { limits: { max_known_points: [400] } } })).toBe('p2p.limits.max_known_points');
    expect(refusedKey({ p2p: { 'private-mode': 'yes' } })).toBe('p2p.private-mode');
    expect(refusedKey({ metrics_addr: ':9932' })).toBe('metrics_addr');
    expect(refusedKey({ rpc: { 'media-type': 'xml' } })).toBe('rpc.media-type');
    expect(refusedKey({ rpc: { max_active_rpc_connections: 'many' } })).toBe('rpc.max_active_rpc_connections');
    expect(refusedKey({ shell: { history_mode: 'experimental-rolling' } })).toBe('shell.history_mode');
    expect(refusedKey({ shell: { history_mode: { rolling: { additional_cycles: 1001 } } } })).toBe(
      'shell.history_mode.rolling.additional_cycles',
    );
  });

  it('union cases mixed: both ACL lists, both chain_validator forms, both internal-events spellings', () => {
    expect(refusedKey({ rpc: { acl: [{ address: 'localhost', whitelist: [], blacklist: [] }] } })).toMatch(
      /^rpc\.acl\.0/,
    );
    expect(refusedKey({ rpc: { acl: [{ address: 'localhost' }] } })).toMatch(/^rpc\.acl\.0/);
    expect(refusedKey({ shell: { chain_validator: { latency: 5, bootstrap_threshold: 2 } } })).toMatch(
      /^shell\.chain_validator/,
    );
    expect(refusedKey({ 'internal-events': { active_sinks: [], activate: [] } })).toMatch(/^internal-events/);
  });

  it('rpc.listen-addrs with the legacy rpc.listen-addr (config_file.ml fails on both)', () => {
    expect(refusedKey({ rpc: { 'listen-addrs': ['localhost'], 'listen-addr': 'localhost' } })).toBe('rpc.listen-addr');
  });

  it('network: an alias spelt otherwise, a bad hash, a bad timestamp', () => {
    const e = configError(() => parseConfig({ network: 'Ghostnet' }));
    expect(e.key).toBe('network');
    expect(e.message).toContain('sandbox, mainnet, ghostnet, shadownet');
    expect(
      refusedKey({
        network: {
          ...EVERYTHING.network,
          genesis: { ...GENESIS, block: 'BLockGenesisGenesisGenesisGenesisGenesisf79b5d1CoW3' },
        },
      }),
    ).toBe('network.genesis.block');
    expect(refusedKey({ network: { ...EVERYTHING.network, genesis: { ...GENESIS, protocol: GENESIS.block } } })).toBe(
      'network.genesis.protocol',
    );
    for (const timestamp of ['yesterday', '2018-02-30T16:07:32Z', '2018-06-30T24:00:00Z', '2018-06-30']) {
      expect(refusedKey({ network: { ...EVERYTHING.network, genesis: { ...GENESIS, timestamp } } }), timestamp).toBe(
        'network.genesis.timestamp',
      );
    }
    for (const timestamp of ['2018-06-30t16:07:32z', '2018-06-30 16:07:32.25+02:00', '2016-12-31T23:59:60Z', '-1']) {
      expect(
        () => parseConfig({ network: { ...EVERYTHING.network, genesis: { ...GENESIS, timestamp } } }),
        timestamp,
      ).not.toThrow();
    }
    expect(
      refusedKey({
        network: { ...EVERYTHING.network, user_activated_upgrades: [{ level: 1, replacement_protocol: 'P' }] },
      }),
    ).toBe('network.user_activated_upgrades.0.replacement_protocol');
  });

  it('a document that is not an object', () => {
    expect(refusedKey([])).toBe('<root>');
  });
});
