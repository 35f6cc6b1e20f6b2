import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cli } from './cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tzp2p-devnet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  node: number;
  peer_id: string;
  rpc: string;
  connected_to: number[];
}

describe('tzp2p devnet (subprocess)', () => {
  it('4 nodes find each other through node 0 and form a full mesh, each scrapeable by Prometheus; Ctrl-C stops them', async () => {
    const cli = new Cli([
      'devnet',
      '--nodes',
      '4',
      '--data-dir',
      dir,
      '--base-port',
      '0',
      '--rpc-base-port',
      '0',
      '--metrics-base-port',
      '0',
      '--json',
    ]);
    try {
      const mesh = await cli.until(
        () => {
          const last = cli.stdout.trim().split('\n').filter(Boolean).at(-1);
          if (last === undefined) return undefined;
          const rows = (JSON.parse(last) as { nodes: Row[] }).nodes;
          return rows.every((r) => r.connected_to.length === 3) ? rows : undefined;
        },
        'a full mesh',
        60_000,
      );
      for (const r of mesh) expect(r.connected_to).toEqual([0, 1, 2, 3].filter((i) => i !== r.node));
      // Each node's RPC agrees with the table.
      const conns = (await (await fetch(`${mesh[2]!.rpc}/network/connections`)).json()) as { peer_id: string }[];
      expect(conns.map((c) => c.peer_id).sort()).toEqual(
        mesh
          .filter((r) => r.node !== 2)
          .map((r) => r.peer_id)
          .sort(),
      );
      // --metrics-base-port: one /metrics per node, listed in node order, each counting its own mesh.
      const targets = (JSON.parse(cli.stdout.trim().split('\n').at(-1)!) as { metrics: string[] }).metrics;
      expect(targets).toHaveLength(4);
      for (const t of targets) {
        const text = await (await fetch(`http://${t}/metrics`)).text();
        expect(text).toMatch(/^octez_p2p_connections_active 3$/m);
      }
      cli.kill('SIGINT');
      expect((await cli.exited).code).toBe(0);
    } finally {
      cli.kill('SIGKILL');
    }
    // Beyond the mesh's own 60 s wait: on a loaded machine a first dial can fail and wait out its greylisting.
  }, 90_000);
});
