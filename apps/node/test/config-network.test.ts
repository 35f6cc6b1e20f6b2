import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  NETWORKS,
  fetchNetwork,
  parseNetworkArg,
  resolveSettings,
  resolveSettingsAsync,
} from '../src/index.js';
import { rejected } from './errors-of.js';

const root = mkdtempSync(join(tmpdir(), 'tzp2p-network-'));
const NETWORK_FILE = new URL('./fixtures/octez-config/network-examplenet.json', import.meta.url).pathname;
const EXAMPLENET = 'TEZOS_EXAMPLENET_2025-06-01T12:00:00Z';
let n = 0;
const freshDir = () => {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  return d;
};

const refusal = (p: Promise<unknown> | (() => unknown)): Promise<ConfigError> => rejected(ConfigError, p);

describe('built-in networks (config_file.ml v25.1)', () => {
  it('sandbox, mainnet, ghostnet and shadownet, with their chain names and bootstrap peers', () => {
    expect(Object.keys(NETWORKS)).toEqual(['sandbox', 'mainnet', 'ghostnet', 'shadownet']);
    const s = resolveSettings({ dataDir: freshDir(), network: 'shadownet' });
    expect(s.chainName).toBe('TEZOS_SHADOWNET_2025-08-07T20:00:00Z');
    expect(s.bootstrapPeers).toEqual(['shadownet.teztnets.com', 'shadownet.tzinit.org']);
    expect(resolveSettings({ dataDir: freshDir(), network: 'sandbox' }).bootstrapPeers).toEqual([]);
  });

  it('--network takes a name in any case (Octez lowercases it); config.json only the exact alias', async () => {
    expect(resolveSettings({ dataDir: freshDir(), network: 'GhostNet' }).chainName).toBe(
      'TEZOS_ITHACANET_2022-01-25T15:00:00Z',
    );
    const e = await refusal(() => resolveSettings({ dataDir: freshDir(), network: 'moonnet' }));
    expect(e.key).toBe('--network');
    expect(e.expected).toBe('one of sandbox, mainnet, ghostnet, shadownet, a URL or an existing file');
  });
});

describe('--network FILE', () => {
  it('reads a network description, its chain name and default bootstrap peers', () => {
    expect(parseNetworkArg(NETWORK_FILE)).toEqual({ kind: 'file', path: NETWORK_FILE });
    const s = resolveSettings({ dataDir: freshDir(), network: NETWORK_FILE });
    expect(s.chainName).toBe(EXAMPLENET);
    expect(s.bootstrapPeers).toEqual(['examplenet.example.org', '203.0.113.7:9733']);
  });

  it('a file named like a built-in network is reached as ./name', () => {
    const d = freshDir();
    copyFileSync(NETWORK_FILE, join(d, 'mainnet'));
    expect(parseNetworkArg(join(d, 'mainnet'))).toEqual({ kind: 'file', path: join(d, 'mainnet') });
    expect(parseNetworkArg('mainnet')).toEqual({ kind: 'builtin', name: 'mainnet' });
  });

  it('refuses what decode_net_config refuses: an alias string, a malformed object, bad JSON', async () => {
    const d = freshDir();
    const write = (name: string, text: string) => {
      writeFileSync(join(d, name), text);
      return join(d, name);
    };
    for (const [file, why] of [
      [write('alias.json', '"mainnet"'), /a network description \(<root>: object/],
      [write('partial.json', '{"chain_name":"X"}'), /a network description \(genesis: present/],
      [write('broken.json', '{'), /a network description in JSON/],
    ] as const) {
      const e = await refusal(() => resolveSettings({ dataDir: freshDir(), network: file }));
      expect(e.key).toBe('--network');
      expect(e.message).toMatch(why);
    }
  });

  it("replaces config.json's network unless the data directory holds a store of another chain (Network_configuration_mismatch)", async () => {
    const d = freshDir();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ network: 'ghostnet' }));
    expect(resolveSettings({ dataDir: d, network: NETWORK_FILE }).chainName).toBe(EXAMPLENET);
    mkdirSync(join(d, 'store'));
    const e = await refusal(() => resolveSettings({ dataDir: d, network: NETWORK_FILE }));
    expect(e.key).toBe('--network');
    expect(e.message).toContain('TEZOS_ITHACANET_2022-01-25T15:00:00Z');
    expect(resolveSettings({ dataDir: d, network: 'GHOSTNET' }).chainName).toBe('TEZOS_ITHACANET_2022-01-25T15:00:00Z');
  });
});

describe('--network URL (a local HTTP server)', () => {
  let server: Server;
  let base: string;
  const body = readFileSync(NETWORK_FILE, 'utf8');
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/examplenet') res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      else if (req.url === '/moved') res.writeHead(302, { location: '/examplenet' }).end();
      else if (req.url === '/garbage') res.writeHead(200).end('<html>');
      else if (req.url === '/silent')
        return; // never answers
      else res.writeHead(404).end('not found');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('downloads the description (resolveSettingsAsync, as `tzp2p run` does)', async () => {
    const s = await resolveSettingsAsync({ dataDir: freshDir(), network: `${base}/examplenet` });
    expect(s.chainName).toBe(EXAMPLENET);
    expect(s.bootstrapPeers).toEqual(['examplenet.example.org', '203.0.113.7:9733']);
  });

  it('only a 200 answer with a description counts; errors name --network', async () => {
    for (const [path, why] of [
      ['/missing', /HTTP 404/],
      ['/moved', /HTTP 302/],
      ['/garbage', /a network description in JSON/],
    ] as const) {
      const e = await refusal(resolveSettingsAsync({ dataDir: freshDir(), network: `${base}${path}` }));
      expect(e.key).toBe('--network');
      expect(e.message).toMatch(why);
    }
    const late = await refusal(fetchNetwork(new URL(`${base}/silent`), 200));
    expect(late.message).toMatch(/no answer within 200 ms/);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = await refusal(fetchNetwork(new URL(`http://127.0.0.1:${port}/x`)));
    expect(down.message).toMatch(/ECONNREFUSED/);
  });

  it('the synchronous resolveSettings says a URL needs the asynchronous one', async () => {
    const e = await refusal(() => resolveSettings({ dataDir: freshDir(), network: `${base}/examplenet` }));
    expect(e.message).toContain('resolveSettingsAsync');
  });
});
