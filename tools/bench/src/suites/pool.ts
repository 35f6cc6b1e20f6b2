import type { DisconnectReason } from '@tezos-p2p/connection';
import { EventBus, seededRng } from '@tezos-p2p/events';
import { Pool, type PoolConnection } from '@tezos-p2p/pool';
import { type PeerId, type Point, peerIdFromBytes, shellPeerMetadataConfig } from '@tezos-p2p/wire';
import { consume, measureSync } from '../harness.js';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';

class NoConn implements PoolConnection {
  readonly privateNode = false;
  readonly trustedNode = false;
  constructor(
    readonly peerId: PeerId,
    readonly idPoint: { ip: string; port: number },
  ) {}
  async disconnect(_r: DisconnectReason): Promise<void> {}
}

const point = (i: number): Point => ({
  ip: `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`,
  port: 9732 + (i % 7),
});

function filledPool(n: number): Pool<NoConn, ReturnType<typeof shellPeerMetadataConfig.initial>, unknown> {
  const pool = new Pool<NoConn, ReturnType<typeof shellPeerMetadataConfig.initial>, unknown>({
    peerId: peerIdFromBytes(new Uint8Array(16)),
    peerMetadata: shellPeerMetadataConfig,
    maxKnownPoints: null,
    bus: new EventBus(),
    rng: seededRng(1),
  });
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const info = pool.registerPoint(point(i));
    info.setPrivate(false);
    if (i % 3 === 0)
      info.lastEstablishedConnection = { value: peerIdFromBytes(new Uint8Array(16).fill(i & 0xff)), at: now - i };
  }
  return pool;
}

export const poolSuite: Suite = {
  name: 'pool',
  title: 'Pool: registration, lookup, list_known_points and greylist checks by table size',
  async run() {
    const sizes = [10_000, 100_000] as const;
    const rows: Record<string, number[]> = { register: [], lookup: [], list: [], greylist: [] };
    for (const n of sizes) {
      const pool = filledPool(n);
      let next = n;
      // Registering new points (the table keeps growing by the measured amount; negligible at these sizes).
      rows['register']!.push(
        measureSync(() => consume(pool.registerPoint(point(next++))), { samples: 3, sampleMs: 200 }).opsPerSec,
      );
      let k = 0;
      rows['lookup']!.push(
        measureSync(() => consume(pool.points.info(point(k++ % n))), { samples: 3, sampleMs: 200 }).opsPerSec,
      );
      rows['list']!.push(
        measureSync(() => consume(pool.listKnownPoints({ ignorePrivate: true })), {
          samples: 3,
          sampleMs: 400,
          warmupMs: 100,
        }).opsPerSec,
      );
      for (let i = 0; i < 1000; i++) pool.greylistAddr(point(i * 13).ip);
      let g = 0;
      rows['greylist']!.push(
        measureSync(() => consume(pool.points.banned(point(g++ % n))), { samples: 3, sampleMs: 200 }).opsPerSec,
      );
      await pool.stop();
    }
    const label: Record<string, string> = {
      register: 'register_point (new point)',
      lookup: 'point lookup',
      list: 'list_known_points (50)',
      greylist: 'greylist check (banned point)',
    };
    const figures: Figure[] = [];
    for (const [key, [small, large]] of Object.entries(rows) as [string, [number, number]][]) {
      figures.push({ name: `${label[key]}, 10 000 points`, value: small, unit: 'ops/s' });
      // Per-operation cost at 100k over cost at 10k: ≤ 10 means growth at most linear in the size.
      figures.push({
        name: `${label[key]}, 100 000 points`,
        value: large,
        unit: 'ops/s',
        baseline: { name: 'same at 10 000 points', value: small },
        target: { min: 0.1, description: 'cost grows ≤ linearly (ratio ≥ 10 %)' },
      });
    }
    return {
      figures,
      notes: [
        'The ratio compares the rate at 100 000 known points with the rate at 10 000 in the same run: 100 % means constant cost, 10 % means cost proportional to the size.',
        'list_known_points selects its ~50 ranks with a multi-quickselect instead of sorting every known point as Octez does (property-tested to return the same points).',
      ],
    };
  },
};
