/**
 * The order of the records a node publishes, against Octez v25.1 (`p2p_connect_handler.ml`,
 * `p2p_pool.ml`): `/network/log` must read the same sequence for a connection, a refusal and a
 * disconnection, and a synchronous subscriber must see the state each record announces.
 */
import { EventBus, type P2pEvent, p2pEventToJson } from '@tezos-p2p/events';
import { describe, expect, it } from 'vitest';
import { type Node, nextEvent, nodesStoppedAfterEach, pointOf } from './harness.js';

const node = nodesStoppedAfterEach();

/** Every `/network/log` record of a node, as Octez prints them (`event` names only). */
function networkLog(bus: EventBus): string[] {
  const log: string[] = [];
  bus.events$.subscribe((e) => {
    const j = p2pEventToJson(e);
    if (j !== undefined) log.push(String(j['event']));
  });
  return log;
}

async function pair(
  targetLimits: Parameters<typeof node>[0] = {},
): Promise<{ a: Node; b: Node; logA: string[]; logB: string[] }> {
  const busA = new EventBus();
  const busB = new EventBus();
  const logA = networkLog(busA);
  const logB = networkLog(busB);
  const b = await node({ ...targetLimits, runtime: { bus: busB } });
  const a = await node({ runtime: { bus: busA } });
  return { a, b, logA, logB };
}

describe("event order, as Octez's /network/log", () => {
  it('a connection then a disconnection: dialler and listener each read their Octez sequence', async () => {
    const { a, b, logA, logB } = await pair();
    const established = nextEvent(b, (e) => e.kind === 'Connection_established');
    const conn = await a.connect(pointOf(b));
    await established;
    // connect: register_point (New_point), Outgoing_connection; raw_authenticate: register_peer
    // (New_peer), Accepting_request; create_connection: Connection_established.
    expect(logA).toEqual([
      'new_point',
      'outgoing_connection',
      'new_peer',
      'accepting_request',
      'connection_established',
    ]);
    // accept: Incoming_connection; raw_authenticate: register_new_point of the announced point
    // (New_point), register_peer (New_peer), Accepting_request; create_connection: Connection_established.
    expect(logB).toEqual([
      'incoming_connection',
      'new_point',
      'new_peer',
      'accepting_request',
      'connection_established',
    ]);
    const gone = nextEvent(b, (e) => e.kind === 'Disconnection');
    await a.disconnect(conn);
    await gone;
    // the canceler's on_cancel: Disconnection, on both sides.
    expect(logA.slice(5)).toEqual(['disconnection']);
    expect(logB.slice(5)).toEqual(['disconnection']);
  });

  it('a refusal (the listener is full): Rejecting_request on the listener, Request_rejected nowhere on the dialler', async () => {
    const { a, b, logA, logB } = await pair({
      limits: { maxConnections: 0, minConnections: 0, expectedConnections: 0 },
    });
    await expect(a.connect(pointOf(b))).rejects.toMatchObject({ code: 'REJECTED_BY_NACK' });
    // raw_authenticate, threshold reached: Rejecting_request, then the Nack.
    expect(logB).toEqual(['incoming_connection', 'new_point', 'new_peer', 'rejecting_request']);
    // The dialler accepted, then got the Nack: `Request_rejected` is logged for incoming connections
    // only; the Nack's alternative points are registered (connection_rejected_by_peers), here the one
    // B knows: A's own announced point, new to A.
    expect(logA).toEqual(['new_point', 'outgoing_connection', 'new_peer', 'accepting_request', 'new_point']);
  });

  it('a synchronous subscriber sees the state each record announces', async () => {
    const busA = new EventBus();
    const b = await node();
    const a = await node({ runtime: { bus: busA } });
    const seen: string[] = [];
    const check = (e: P2pEvent): void => {
      switch (e.kind) {
        case 'New_point':
          seen.push(`New_point known=${a.pointInfo(e.point) !== undefined}`);
          break;
        case 'New_peer':
          seen.push(`New_peer known=${a.peerInfo(e.peerId) !== undefined}`);
          break;
        case 'Connection_established':
          seen.push(
            `Connection_established peer=${a.peerInfo(e.peerId)?.state.kind} point=${a.pointInfo(pointOf(b))?.state.kind} listed=${a.findConnection(e.peerId) !== undefined}`,
          );
          break;
        case 'Disconnection':
          seen.push(
            `Disconnection peer=${a.peerInfo(e.peerId)?.state.kind} point=${a.pointInfo(pointOf(b))?.state.kind} listed=${a.findConnection(e.peerId) !== undefined}`,
          );
          break;
      }
    };
    busA.events$.subscribe(check);
    const newPeers: boolean[] = [];
    busA.triggers.newPeer$.subscribe((p) => newPeers.push(a.peerInfo(p) !== undefined));
    const conn = await a.connect(pointOf(b));
    await a.disconnect(conn);
    expect(seen).toEqual([
      'New_point known=true',
      'New_peer known=true',
      'Connection_established peer=Running point=Running listed=true',
      'Disconnection peer=Disconnected point=Disconnected listed=false',
    ]);
    expect(newPeers).toEqual([true]);
  });
});
