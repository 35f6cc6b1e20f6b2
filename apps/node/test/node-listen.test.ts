import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/cli/logger.js';
import {
  ConfigError,
  type NodeP2p,
  type RunningNode,
  resolveP2pListen,
  resolveSettings,
  startNode,
} from '../src/index.js';
import { TEST_CHAIN, loopbackNode, testHost } from './loopback-nodes.js';

const root = mkdtempSync(join(tmpdir(), 'tzp2p-listen-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function withConfig(json: unknown): { dataDir: string; configFile: string } {
  const dataDir = join(root, `n${n++}`);
  const configFile = `${dataDir}.json`;
  writeFileSync(configFile, JSON.stringify(json));
  return { dataDir, configFile };
}
const quiet = createLogger('fatal', { kind: 'null' });

function until(p2p: NodeP2p, check: () => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (sub.unsubscribe(), reject(new Error(`timed out waiting for ${what}`))), 20_000);
    const sub = p2p.events$.subscribe(() => {
      if (check()) {
        clearTimeout(timer);
        sub.unsubscribe();
        resolve();
      }
    });
  });
}

describe('the P2P listening address', () => {
  it('config.json p2p without listen-addr: no listening (Octez: "disabled P2P server"); without p2p: [::]:9732', () => {
    expect(resolveSettings(withConfig({ p2p: { 'private-mode': false } })).listen).toBeUndefined();
    expect(resolveSettings(withConfig({})).listen).toEqual({ host: '::', port: 9732, key: 'p2p.listen-addr' });
    expect(resolveSettings({ ...withConfig({ p2p: {} }), netAddr: ':9999' }).listen).toEqual({
      host: '::',
      port: 9999,
      key: '--net-addr',
    });
  });

  it('a name is resolved at start-up to its first address, as init_node binds it; no address is a ConfigError naming the key', async () => {
    expect(await resolveP2pListen({ host: '127.0.0.1', port: 1, key: 'k' })).toEqual({
      host: '127.0.0.1',
      port: 1,
      key: 'k',
    });
    const [first] = await lookup('localhost', { all: true, order: 'verbatim' });
    expect(await resolveP2pListen({ host: 'localhost', port: 2, key: '--net-addr' })).toEqual({
      host: first!.address,
      port: 2,
      key: '--net-addr',
    });
    await expect(resolveP2pListen({ host: 'no-such-host.invalid', port: 3, key: '--net-addr' })).rejects.toThrow(
      /^--net-addr: expected an address or a name that resolves/,
    );
    const e = await resolveP2pListen({ host: 'no-such-host.invalid', port: 3 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).key).toBe('p2p.listen-addr');
  });

  it('a node that does not listen connects out and announces port 0', async () => {
    const peer = await loopbackNode(testHost(71));
    let node: RunningNode | undefined;
    try {
      const where = `${testHost(71)}:${peer.listeningPort!}`;
      const settings = resolveSettings({
        ...withConfig({ p2p: { 'bootstrap-peers': [where], 'expected-proof-of-work': 0 } }),
        chainName: TEST_CHAIN,
      });
      expect(settings.listen).toBeUndefined();
      node = await startNode(settings, { log: quiet });
      expect(node.p2p.listeningPort).toBeUndefined();
      await until(peer, () => peer.connections().length > 0, 'the connection');
      expect(peer.connections()[0]!.idPoint.port).toBeUndefined(); // 0 on the wire: "no port"
    } finally {
      await node?.stop();
      await peer.stop();
    }
  });

  it('--connections 0 starts and stops a node', async () => {
    const settings = resolveSettings({
      ...withConfig({ p2p: { 'listen-addr': `${testHost(72)}:0`, 'expected-proof-of-work': 0 } }),
      connections: '0',
      bootstrapPeers: false,
    });
    const node = await startNode(settings, { log: quiet });
    expect(node.p2p.listeningPort).toBeGreaterThan(0);
    await node.stop();
  });
});
