import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/errors.js';
import { type RunOptions, buildProgram, resolveSettings } from '../src/index.js';
import { resolveListenAddrs } from '../src/rpc/listen.js';

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-rpc-cfg-'));
let n = 0;
function settings(json: unknown, extra: { rpcAddr?: string | string[]; metricsAddr?: string | string[] } = {}) {
  const p = join(dir, `c${n++}.json`);
  writeFileSync(p, JSON.stringify(json));
  return resolveSettings({ dataDir: dir, configFile: p, ...extra });
}

describe('config.json rpc: where the RPC is served', () => {
  it('rpc.max_active_rpc_connections caps the RPC connections; unlimited leaves the descriptor budget alone; 0 is refused', () => {
    expect(settings({ rpc: { 'listen-addrs': [':1'], max_active_rpc_connections: 7 } }).rpc?.maxConnections).toBe(7);
    expect(
      settings({ rpc: { 'listen-addrs': [':1'], max_active_rpc_connections: 'unlimited' } }).rpc?.maxConnections,
    ).toBe(2 ** 31 - 1);
    expect(settings({ rpc: { 'listen-addrs': [':1'] } }).rpc?.maxConnections).toBeUndefined();
    expect(() => settings({ rpc: { 'listen-addrs': [':1'], max_active_rpc_connections: 0 } })).toThrow(
      /rpc\.max_active_rpc_connections/,
    );
  });

  it('--rpc-addr is repeatable, each address served', () => {
    expect(settings({}, { rpcAddr: [':7000', '127.0.0.2:7001'] }).rpc?.listen).toEqual([
      { host: 'localhost', port: 7000, key: '--rpc-addr' },
      { host: '127.0.0.2', port: 7001, key: '--rpc-addr' },
    ]);
  });

  it('a bad rpc.acl is refused when config.json is read, naming the entry, as octez-node does', () => {
    const refused = (acl: unknown) => {
      try {
        settings({ rpc: { acl } });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).key;
      }
      throw new Error('accepted');
    };
    expect(
      refused([
        { address: '127.0.0.1', whitelist: ['GET /network/**'] },
        { address: '0.0.0.0', blacklist: ['GET /a/**/b'] },
      ]),
    ).toBe('rpc.acl[1].blacklist[0]');
    expect(refused([{ address: '::1', whitelist: [] }])).toBe('rpc.acl[0].address');
  });

  it('a listening host that resolves nowhere names its key', async () => {
    await expect(
      resolveListenAddrs([{ host: 'nowhere.invalid', port: 1, key: 'rpc.listen-addrs' }], async () => []),
    ).rejects.toThrow(/^rpc\.listen-addrs: Cannot resolve listening address: "nowhere\.invalid"/);
  });

  it('no address: no RPC server; an empty host is localhost, the port 8732', () => {
    expect(settings({ rpc: { 'cors-origin': ['*'] } }).rpc).toBeUndefined();
    expect(settings({ rpc: { 'listen-addrs': [':8733', 'localhost', '[::1]:1'] } }).rpc?.listen).toEqual([
      { host: 'localhost', port: 8733, key: 'rpc.listen-addrs' },
      { host: 'localhost', port: 8732, key: 'rpc.listen-addrs' },
      { host: '::1', port: 1, key: 'rpc.listen-addrs' },
    ]);
  });

  it('the legacy rpc.listen-addr, and the external RPC addresses served as well', () => {
    expect(
      settings({ rpc: { 'listen-addr': '127.0.0.1:9000', 'external-listen-addrs': ['0.0.0.0:9001'] } }).rpc?.listen,
    ).toEqual([
      { host: '127.0.0.1', port: 9000, key: 'rpc.listen-addr' },
      { host: '0.0.0.0', port: 9001, key: 'rpc.external-listen-addrs' },
    ]);
  });

  it('--rpc-addr replaces the local addresses (Config_file.update), keeps the external ones and the ACL', () => {
    const s = settings(
      {
        rpc: {
          'listen-addrs': ['127.0.0.1'],
          'external-listen-addrs': ['0.0.0.0:9001'],
          acl: [{ address: '0.0.0.0:9001', whitelist: ['GET /network/**'] }],
        },
      },
      { rpcAddr: ':7000' },
    );
    expect(s.rpc).toEqual({
      listen: [
        { host: 'localhost', port: 7000, key: '--rpc-addr' },
        { host: '0.0.0.0', port: 9001, key: 'rpc.external-listen-addrs' },
      ],
      acl: [{ address: '0.0.0.0:9001', whitelist: ['GET /network/**'] }],
    });
  });

  it('TLS, CORS and the other RPC server keys are accepted and reported once', () => {
    const s = settings({
      rpc: {
        'listen-addrs': ['localhost'],
        crt: 'c.pem',
        key: 'k.pem',
        'cors-headers': ['X'],
        'enable-http-cache-headers': true,
      },
    });
    expect(s.notes).toEqual([
      'config.json keys accepted without effect: rpc.cors-headers, rpc.crt, rpc.key, rpc.enable-http-cache-headers',
    ]);
  });
});

describe('config.json metrics_addr and --metrics-addr', () => {
  it('parsed as Octez resolves it (localhost, port 9932, a peer id ignored), each address served', () => {
    const s = settings({ metrics_addr: [':9100', '0.0.0.0', '[::1]:9200#idrFQwnkJCUoH8qPTvuUtTAx5ZtNZ1', '_'] });
    expect(s.metricsAddrs).toEqual([
      { host: 'localhost', port: 9100, key: 'metrics_addr' },
      { host: '0.0.0.0', port: 9932, key: 'metrics_addr' },
      { host: '::1', port: 9200, key: 'metrics_addr' },
      { host: 'localhost', port: 9932, key: 'metrics_addr' },
    ]);
    expect(s.notes).toEqual([]);
  });

  it('a malformed entry does not stop the node (Octez only logs that its metrics server failed)', () => {
    const s = settings({ metrics_addr: ['::1:9100', 'localhost:99999'] });
    expect(s.metricsAddrs).toEqual([]);
    expect(s.notes).toEqual(['metrics_addr: not an address, set aside as Octez does: ::1:9100, localhost:99999']);
  });

  it('--metrics-addr is repeatable and replaces the whole config list (Config_file.update), with the same defaults', () => {
    const s = settings({ metrics_addr: ['0.0.0.0:1'] }, { metricsAddr: [':9101', '127.0.0.1', '[::1]:0', 'x:1:2'] });
    expect(s.metricsAddrs).toEqual([
      { host: 'localhost', port: 9101, key: '--metrics-addr' },
      { host: '127.0.0.1', port: 9932, key: '--metrics-addr' },
      { host: '::1', port: 0, key: '--metrics-addr' },
    ]);
    expect(s.notes).toEqual(['--metrics-addr: not an address, set aside as Octez does: x:1:2']);
    expect(settings({ metrics_addr: ['0.0.0.0:1'] }, { metricsAddr: '127.0.0.1:2' }).metricsAddrs).toEqual([
      { host: '127.0.0.1', port: 2, key: '--metrics-addr' },
    ]);
    expect(settings({}).metricsAddrs).toEqual([]);
  });

  it('tzp2p run --metrics-addr: the command line collects every flag into the run options', async () => {
    const program = buildProgram('0.0.0');
    let seen: RunOptions | undefined;
    program.commands.find((c) => c.name() === 'run')!.action((o: RunOptions) => void (seen = o));
    await program.parseAsync(['run', '--metrics-addr', ':9932', '--metrics-addr', '[::1]:9933'], { from: 'user' });
    expect(seen?.metricsAddr).toEqual([':9932', '[::1]:9933']);
    expect(resolveSettings({ dataDir: dir, ...seen }).metricsAddrs).toEqual([
      { host: 'localhost', port: 9932, key: '--metrics-addr' },
      { host: '::1', port: 9933, key: '--metrics-addr' },
    ]);
  });
});
