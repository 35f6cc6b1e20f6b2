/**
 * Ports of Octez's `src/lib_p2p/tezt/test_p2p_pool.ml`: networks of nodes (connect handler, pool,
 * welcome worker; no maintenance) over real loopback sockets, each running a scenario concurrently
 * with the others (octez-nodes.ts stands for Octez's `Node.detach_nodes`, one process per node).
 * Timings: Octez's random pauses (0.5 + 2r s between retries, 0.2 + r s in `random`) are scaled by
 * TIME_SCALE; connection timeouts are Octez's 2 s. Retries are bounded.
 */
import { type Point, type RawAppMessage, type ShellConnectionMetadata } from '@tezos-p2p/wire';
import { describe, expect, it } from 'vitest';
import type { P2pConn, P2pError, P2pErrorCode } from '../src/index.js';
import type { Node } from './harness.js';
import { type DetachedNode, detachNodes } from './octez-nodes.js';

/** Octez's pauses × this. */
const TIME_SCALE = 0.1;
const MAX_ATTEMPTS = 40;
const CONNECT_TIMEOUT_MS = 2000;
/** `register`'s default number of nodes. */
const CLIENTS = 10;

type Conn = P2pConn<RawAppMessage, ShellConnectionMetadata>;

const PING: RawAppMessage = { tag: 0x10, payload: Uint8Array.of() };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms * TIME_SCALE));

/** `P2p_pool.Connection.find_by_point`. */
function findByPoint(node: Node, point: Point): Conn | undefined {
  const info = node.pointInfo(point);
  if (info?.state.kind === 'Running') return info.state.connection as Conn;
  return info?.peerId === undefined ? undefined : (node.findConnection(info.peerId) as Conn | undefined);
}

/** The errors Octez's `connect` retries on after a random pause: Connection_failed, Pending_connection, Rejected_socket_connection, Canceled, Timeout, Rejected (and, in `Simple`, Rejected_by_nack). */
const RETRIED: readonly P2pErrorCode[] = ['CONNECTION_FAILED', 'PENDING_CONNECTION', 'CANCELED', 'TIMEOUT', 'REJECTED'];

/**
 * `Simple.connect` (and `Overcrowded.connect`, `No_common_network.connect`): connect; on Connected
 * use the existing connection; on a retried error pause 0.5 + 2r s and try again.
 */
async function connect(
  node: Node,
  point: Point,
  retried: readonly P2pErrorCode[] = [...RETRIED, 'REJECTED_BY_NACK'],
): Promise<Conn> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await node.connect(point, { timeoutMs: CONNECT_TIMEOUT_MS })) as Conn;
    } catch (e) {
      const code = (e as P2pError).code;
      if (code === 'CONNECTED') {
        const conn = findByPoint(node, point);
        if (conn === undefined)
          throw new Error(`Woops... connected to ${point.ip}:${point.port} but no connection found`);
        return conn;
      }
      if (!retried.includes(code) || attempt >= MAX_ATTEMPTS) throw e;
      await sleep(500 + Math.random() * 2000);
    }
  }
}

const connectAll = (d: DetachedNode) => Promise.all(d.points.map((p) => connect(d.node, p)));
const writeAll = (conns: readonly Conn[], msg: RawAppMessage) =>
  Promise.all(conns.map((c) => c.write({ kind: 'Message', message: msg })));
async function readAll(conns: readonly Conn[]): Promise<void> {
  await Promise.all(
    conns.map(async (c) => {
      // (Only Ping messages are used in these tests.)
      expect(await c.read()).toEqual(PING);
    }),
  );
}
const closeAll = (node: Node, conns: readonly Conn[]) =>
  Promise.all(conns.map((c) => node.disconnect(c, { reason: 'test shutdown' })));

/** Our two codes for Octez's `Connection_closed` (closed by the peer / already closed here). */
const CONNECTION_CLOSED: readonly string[] = ['CONNECTION_CLOSED', 'CONNECTION_CLOSED_LOCALLY'];

/** Overcrowded's client side: connect to the target, expect a Nack with (v1) or without (v0) points. */
async function overcrowdedClientConnect(d: DetachedNode, legacy: boolean): Promise<void> {
  const target = d.trustedPoints[0]!;
  const r = await connect(d.node, target, RETRIED).then(
    async (conn) => {
      await d.node.disconnect(conn, { reason: 'connection should have been rejected' });
      return undefined;
    },
    (e: unknown) => e as P2pError,
  );
  expect(r, `Overcrowded error: connection should be rejected (remote: ${target.port})`).toBeDefined();
  expect(r!.code).toBe('REJECTED_BY_NACK');
  // Rejected without a point list: good for a v0 client only. With a list: good for both.
  if (r!.alternativePoints === undefined) expect(legacy, 'client is rejected without point list').toBe(true);
}

/** The points of `all` that `node` does not know (`client_knowledge`). */
function unknownPoints(node: Node, all: readonly Point[]): Point[] {
  return all.filter((p) => node.pointInfo(p) === undefined);
}

function overcrowded(legacy: (i: number) => boolean) {
  return (i: number) =>
    i === 0
      ? async (d: DetachedNode) => {
          // The target: it only waits while the clients are rejected.
          await d.sync(); // 2
          await d.sync(); // 3
          await d.sync(); // 4
        }
      : async (d: DetachedNode) => {
          if (d.points.length > 50)
            throw new Error('This test only works for less clients than the advertisement list length (50)');
          // First connection: lets the target advertise us as public nodes.
          await overcrowdedClientConnect(d, legacy(i));
          await d.sync(); // 2
          await overcrowdedClientConnect(d, legacy(i));
          await d.sync(); // 3
          // `client_check`: a v1 client knows every point from the target's Nacks; a v0 one does not
          // (Octez's error "Advertisement Failure" otherwise).
          const unknowns = unknownPoints(d.node, d.points);
          if (legacy(i))
            expect(unknowns.length, 'Advertisement Failure (legacy client learnt every point)').toBeGreaterThan(0);
          else expect(unknowns, 'Advertisement Failure').toEqual([]);
          await d.sync(); // 4
        };
}

const overcrowdedLimits = {
  // Octez's -1: the target accepts no connection at all (0 is the same refusal here).
  minConnections: (i: number) => (i === 0 ? 0 : 1),
  maxConnections: (i: number) => (i === 0 ? 0 : 1),
  maxIncomingConnections: () => CLIENTS,
  trusted: (i: number, points: readonly Point[]) => (i === 0 ? points : [points[0]!]),
};

describe('src/lib_p2p/tezt/test_p2p_pool.ml', () => {
  it('tezos-p2p: p2p-connection-pool (simple): every node connects to every other, sends each a Ping and reads one from each', async () => {
    await detachNodes(CLIENTS, () => async (d) => {
      const conns = await connectAll(d);
      await d.sync();
      await writeAll(conns, PING);
      await d.sync();
      await readAll(conns);
      await d.sync();
      await closeAll(d.node, conns);
    });
  }, 60_000);

  it('tezos-p2p: p2p-connection-pool (random): each node connects to each other at random times, pings, reads a message, disconnects, 5 times', async () => {
    const repeat = 5;
    await detachNodes(CLIENTS, () => async (d) => {
      await Promise.all(
        d.points.map(async (point) => {
          for (let n = 0; n < repeat; n++) {
            await sleep(200 + Math.random() * 1000);
            const conn = await connect(d.node, point);
            await conn.write({ kind: 'Message', message: PING }).catch(() => undefined);
            await conn.read();
            await sleep(200 + Math.random() * 1000);
            await d.node.disconnect(conn, { reason: 'test explicit disconnection' });
          }
        }),
      );
    });
  }, 60_000);

  it('tezos-p2p: p2p-connection-pool (garbled): after each node writes garbage on every connection, every read fails with the connection closed', async () => {
    await detachNodes(CLIENTS, () => async (d) => {
      const conns = await connectAll(d);
      await d.sync();
      // `raw_write_sync` of 16 zero bytes: an encrypted chunk whose plaintext is no message.
      const bad = new Uint8Array(16);
      const outcome = await Promise.all(conns.map((c) => c.writeEncoded(bad)))
        .then(() => readAll(conns))
        .then(
          () => 'ok',
          (e: { code?: string }) => e.code ?? String(e),
        );
      expect(CONNECTION_CLOSED).toContain(outcome);
    });
  }, 60_000);

  it('tezos-p2p: p2p-connection-pool (overcrowded): a target accepting no connection Nacks every client with its points; each client then knows every point', async () => {
    await detachNodes(
      CLIENTS,
      overcrowded(() => false),
      overcrowdedLimits,
    );
  }, 60_000);

  it('tezos-p2p: p2p-connection-pool (overcrowded-mixed): p2p v0 clients get a Nack_v_0 and learn no points; v1 clients learn every point', async () => {
    await detachNodes(
      CLIENTS,
      overcrowded((i) => i % 2 === 1),
      { ...overcrowdedLimits, p2pVersions: (i) => (i % 2 === 1 ? [0] : [0, 1]) },
    );
  }, 60_000);

  it('tezos-p2p: p2p-connection-pool (no-common-network-protocol): clients on p2p v1 cannot connect to a target on p2p v0 only', async () => {
    await detachNodes(
      CLIENTS,
      (i) =>
        i === 0
          ? async (d) => {
              await d.sync(); // 2
            }
          : async (d) => {
              const r = await connect(d.node, d.trustedPoints[0]!, RETRIED).then(
                async (conn) => {
                  await d.node.disconnect(conn, { reason: 'connection should have been rejected' });
                  return undefined;
                },
                (e: unknown) => e as P2pError,
              );
              // Octez only logs an accepted connection as "Not good"; here none is.
              expect(r?.code).toBe('REJECTED_NO_COMMON_PROTOCOL');
              expect(r?.announcedVersion?.p2pVersion).toBe(0);
              await d.sync(); // 2
            },
      {
        minConnections: () => 0,
        maxConnections: (i) => (i === 0 ? CLIENTS : 1),
        maxIncomingConnections: () => CLIENTS,
        p2pVersions: (i) => (i === 0 ? [0] : [1]),
        trusted: (i, points) => (i === 0 ? points : [points[0]!]),
      },
    );
  }, 60_000);
});
