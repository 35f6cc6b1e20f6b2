/**
 * Port of Octez v25.1 `src/lib_p2p/test/test_p2p_maintenance.ml` (suite "p2p-maintenance").
 *
 * Octez runs 42 nodes (one process each, real sockets); the target's maintenance is created with an
 * idle time of 36000 s so that only the triggers start it, and the test reads the maintenance log
 * (`P2p_event`s) in order. Ours: nodes of this library in one process, each on its own 127.0.x.y
 * address, the target's maintenance with the same 36000 s idle time, and the log is the target's event
 * bus, recorded from before activation and read in order. The node counts and connection limits are
 * scaled down (Octez: 42 points, expected 36 / 24) with the same relations between them; the retry
 * sleep of the overconnecting client (Octez 0.5–2.5 s) is 20 ms.
 */
import { type Server, type Socket, createServer } from 'node:net';
import { type AuthenticatedSocket, authenticate } from '@tezos-p2p/connection';
import { EventBus, type P2pEvent, type P2pEventKind } from '@tezos-p2p/events';
import {
  type RawAppMessage,
  type ShellConnectionMetadata,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import { afterEach } from 'vitest';
import { describe, expect, it } from 'vitest';
import { type P2pError, maintenanceBounds } from '../src/index.js';
import { CHAIN, type Node, freshHost, identity, nodesStoppedAfterEach, pointOf } from './harness.js';

const node = nodesStoppedAfterEach();
const MAINTENANCE_IDLE_TIME_MS = 36_000_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/**
 * `n` overconnect points (bare responders) whose Ack waits until the target has decided on every one
 * of them (`Accepting_request` / `Rejecting_request` on its bus, published right after its slot check
 * `active_connections >= connections_threshold`): the checks then all run before any of these
 * connections becomes active, as Octez's parallel `List.map_ep` of connects lets them when the
 * handshakes overlap — here made deterministic.
 */
async function gatedPoints(n: number, targetBus: EventBus) {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  const authed: Promise<AuthenticatedSocket<ShellConnectionMetadata>>[] = [];
  const points: { ip: string; port: number }[] = [];
  for (let i = 0; i < n; i++) {
    const ip = freshHost();
    const id = await identity();
    let resolveAuth!: (a: AuthenticatedSocket<ShellConnectionMetadata>) => void;
    authed.push(new Promise((r) => (resolveAuth = r)));
    const server = createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
      void authenticate(s, {
        identity: id,
        version: { chainName: CHAIN, distributedDbVersion: 2, p2pVersion: 1 },
        metadata: shellConnectionMetadataConfig(),
        incoming: true,
        listeningPort: 0,
        expectedProofOfWork: 0,
        timeoutMs: 30_000,
      }).then(resolveAuth, () => undefined);
    });
    await new Promise<void>((r) => server.listen(0, ip, r));
    servers.push(server);
    points.push({ ip, port: (server.address() as { port: number }).port });
  }
  const decided = new Set<string>();
  const allDecided = new Promise<void>((resolve) => {
    const sub = targetBus.events$.subscribe((e) => {
      if (
        (e.kind === 'Accepting_request' || e.kind === 'Rejecting_request') &&
        points.some((p) => p.ip === e.point.ip && p.port === e.point.port)
      ) {
        decided.add(`${e.point.ip}:${e.point.port}`);
        if (decided.size === n) {
          sub.unsubscribe();
          resolve();
        }
      }
    });
  });
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  });
  const conns = (async () => {
    const all = await Promise.all(authed);
    await allDecided;
    return Promise.all(
      all.map((a) => a.accept({ messageEncoding: p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages }) })),
    );
  })();
  return { points, conns };
}

/** The maintenance log: every event of the bus since before activation, read in order. */
function recorder() {
  const bus = new EventBus();
  const seen: P2pEvent[] = [];
  const waiters = new Set<() => void>();
  bus.events$.subscribe((e) => {
    seen.push(e);
    for (const w of [...waiters]) w();
  });
  let cursor = 0;
  /** Octez's `wait_pred_s … Lwt_stream.get log`: consume events until one of `kind`. */
  const next = (kind: P2pEventKind, ms = 30_000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        while (cursor < seen.length) {
          if (seen[cursor++]!.kind === kind) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${kind} in the maintenance log within ${ms} ms`));
      }, ms);
      waiters.add(check);
      check();
    });
  return { bus, next };
}

describe('test_p2p_maintenance.ml (p2p-maintenance)', () => {
  it('test_p2p_maintenance: triggers.too-few-connections — closing connections below min_connections triggers the maintenance', async () => {
    // Octez: expected 36, min 18 (expected / 2), max 400; 41 clients.
    const limits = {
      minConnections: 4,
      expectedConnections: 8,
      maxConnections: 400,
      maintenanceIdleTimeMs: MAINTENANCE_IDLE_TIME_MS,
    };
    const clients: Node[] = [];
    for (let i = 0; i < 10; i++) clients.push(await node({ limits: { minConnections: 0, expectedConnections: 8 } }));
    const log = recorder();
    const target = await node({
      limits,
      config: { trustedPoints: clients.map((c) => ({ point: pointOf(c) })) },
      runtime: { bus: log.bus },
    });
    // Activate the maintenance and wait until it becomes idle.
    await log.next('Maintenance_ended');
    const active = target.connections().length;
    expect(active).toBeGreaterThanOrEqual(maintenanceBounds(limits).minThreshold);
    // Close connections to reach min_connections - 1.
    const nbToClose = active - limits.minConnections + 1;
    await Promise.all(
      target
        .connections()
        .slice(0, nbToClose)
        .map((c) => target.disconnect(c, { wait: true, reason: 'close connection to reach min_connections' })),
    );
    expect(target.connections().length).toBeLessThan(limits.minConnections);
    // The maintenance has been triggered.
    await log.next('Too_few_connections');
    await log.next('Maintenance_started');
  }, 60_000);

  it('test_p2p_maintenance: triggers.too-many-connections — reaching max_connections triggers the maintenance', async () => {
    // Octez: expected 24, max 36 (3 × expected / 2), min 0; 24 initial points, 16 overconnect points,
    // one overconnecting client.
    const expected = 6;
    const limits = {
      minConnections: 0,
      expectedConnections: expected,
      maxConnections: (3 * expected) / 2,
      maintenanceIdleTimeMs: MAINTENANCE_IDLE_TIME_MS,
    };
    const initial: Node[] = [];
    for (let i = 0; i < expected; i++) initial.push(await node());
    const overco = await node();
    const log = recorder();
    const target = await node({
      limits,
      config: { trustedPoints: initial.map((c) => ({ point: pointOf(c) })) },
      runtime: { bus: log.bus },
    });
    await log.next('Maintenance_ended');
    const active = target.connections().length;
    // Establish new connections (Octez's `filteri (fun i _ -> i <= nb_connections_to_add)`: one more
    // than max_connections - active - 1, i.e. up to max_connections).
    const nbToAdd = limits.maxConnections - active - 1;
    const overconnectPoints = await gatedPoints(nbToAdd + 1, log.bus);
    const [, peers] = await Promise.all([
      Promise.all(overconnectPoints.points.map((p) => target.connect(p))),
      overconnectPoints.conns,
    ]);
    cleanups.push(async () => peers.forEach((c) => c.close()));
    // One more client tries to connect until it succeeds; Nack(Too_many_connections) means retry.
    const overconnect = (async () => {
      for (let attempt = 0; attempt < 1000; attempt++) {
        try {
          return await overco.connect(pointOf(target));
        } catch (e) {
          const err = e as P2pError;
          if (err.code !== 'REJECTED_BY_NACK' || err.motive?.kind !== 'Too_many_connections') throw e;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      throw new Error('never accepted');
    })();
    // The maintenance has been triggered by the too-many trigger, and starts.
    await log.next('Too_many_connections');
    await log.next('Maintenance_started');
    await overconnect;
    expect(target.connections().length).toBeLessThanOrEqual(limits.maxConnections);
  }, 60_000);
});
