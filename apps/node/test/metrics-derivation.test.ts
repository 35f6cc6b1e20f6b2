import { describe, expect, it } from 'vitest';
import { EventBus } from '@tezos-p2p/events';
import { type PeerId, peerIdFromBytes } from '@tezos-p2p/wire';
import { AppMessageTally, NodeMetrics, type ObservedP2p } from '../src/index.js';
import { sample } from './metrics-scrape.js';

const A: PeerId = peerIdFromBytes(new Uint8Array(16).fill(1));
const B: PeerId = peerIdFromBytes(new Uint8Array(16).fill(2));
const point = { ip: '127.0.0.1', port: 9732 };

async function exposition(m: NodeMetrics): Promise<string> {
  return (await m.exposition()).body;
}

describe('metrics derived from the bus and read at scrape time', () => {
  it("counts Octez's message and swap counters where Octez counts them", async () => {
    const bus = new EventBus();
    const m = new NodeMetrics(bus);
    // Peer discovery disabled: the maintenance still logs Bootstrap_sent, but nothing was written.
    bus.report({ kind: 'peer_discovery_disabled', peerId: A });
    bus.publish({ kind: 'Bootstrap_sent', source: A });
    bus.publish({ kind: 'Bootstrap_sent', source: B });
    bus.report({ kind: 'bootstrap_received', peerId: A });
    bus.report({ kind: 'advertise_received', peerId: A, points: [] });
    bus.publish({ kind: 'Advertise_sent', source: A });
    bus.publish({ kind: 'Swap_request_received', source: A });
    bus.report({ kind: 'private_node_ignored', message: 'Swap_request', peerId: B });
    bus.report({ kind: 'private_node_ignored', message: 'Swap_ack', peerId: B });
    bus.publish({ kind: 'Swap_ack_sent', source: A });
    bus.publish({ kind: 'Swap_request_sent', source: A });
    bus.publish({ kind: 'Swap_request_ignored', source: A });
    bus.publish({ kind: 'Swap_success', source: A });
    bus.publish({ kind: 'Swap_failure', source: A });
    bus.publish({ kind: 'Swap_failure', source: B });
    const t = await exposition(m);
    expect({
      bootstrapSent: sample(t, 'octez_p2p_messages_bootstrap_sent'),
      bootstrapReceived: sample(t, 'octez_p2p_messages_bootstrap_received'),
      advertiseReceived: sample(t, 'octez_p2p_messages_advertise_received'),
      advertiseSent: sample(t, 'octez_p2p_messages_advertise_sent'),
      swapRequestsReceived: sample(t, 'octez_p2p_messages_swap_requests_received'),
      swapAckReceived: sample(t, 'octez_p2p_messages_swap_ack_received'),
      swapAckSent: sample(t, 'octez_p2p_messages_swap_ack_sent'),
      swapRequestsSent: sample(t, 'octez_p2p_messages_swap_requests_sent'),
      ignored: sample(t, 'octez_p2p_swap_ignored'),
      success: sample(t, 'octez_p2p_swap_success'),
      fail: sample(t, 'octez_p2p_swap_fail'),
    }).toEqual({
      bootstrapSent: 1,
      bootstrapReceived: 1,
      advertiseReceived: 1,
      advertiseSent: 1,
      swapRequestsReceived: 2,
      swapAckReceived: 1,
      swapAckSent: 1,
      swapRequestsSent: 1,
      ignored: 1,
      success: 1,
      fail: 2,
    });
    m.close();
    bus.publish({ kind: 'Swap_success', source: A });
    expect(sample(await exposition(m), 'octez_p2p_swap_success')).toBe(1); // closed: no longer follows the bus
  });

  it('our handshake, refusal and greylisting metrics, from the reports', async () => {
    const bus = new EventBus();
    const m = new NodeMetrics(bus);
    bus.report({ kind: 'handshake_settled', point, incoming: false, outcome: 'accepted', durationMs: 30 });
    bus.report({ kind: 'nack_sent', point, peerId: A, motive: { kind: 'Unknown_motive', code: 77 } });
    bus.report({ kind: 'nack_sent', point, peerId: A, motive: { kind: 'Too_many_connections' } });
    bus.report({ kind: 'refused_silently', point, peerId: A, error: { code: 'PEER_BANNED', message: '' } });
    bus.report({ kind: 'incoming_refused', point, reason: 'too_many_incoming_from_address' });
    bus.report({ kind: 'incoming_evicted', point, by: point });
    bus.report({ kind: 'greylisted', peerId: A, point, motive: 'decoding error' });
    const t = await exposition(m);
    expect(sample(t, 'tzp2p_handshakes_total{direction="outgoing",outcome="accepted"}')).toBe(1);
    expect(
      sample(t, 'tzp2p_handshake_duration_seconds_bucket{le="0.05",direction="outgoing",outcome="accepted"}'),
    ).toBe(1);
    expect(
      sample(t, 'tzp2p_handshake_duration_seconds_bucket{le="0.025",direction="outgoing",outcome="accepted"}'),
    ).toBe(0);
    expect(sample(t, 'tzp2p_handshake_duration_seconds_sum{direction="outgoing",outcome="accepted"}')).toBeCloseTo(
      0.03,
    );
    for (const reason of [
      'unknown_motive',
      'too_many_connections',
      'peer_banned',
      'incoming_too_many_from_address',
      'incoming_evicted',
    ])
      expect(sample(t, `tzp2p_refusals_total{reason="${reason}"}`), reason).toBe(1);
    expect(sample(t, 'tzp2p_greylistings_total{kind="peer"}')).toBe(1);
    m.close();
  });

  it('gauges read the P2P state at each scrape; application counters read the tally, never going down', async () => {
    const m = new NodeMetrics(new EventBus());
    expect(sample(await exposition(m), 'octez_p2p_connections_active')).toBe(0); // no layer yet
    const conn = (incoming: boolean, privateNode: boolean) => ({ connection: { info: { incoming, privateNode } } });
    const state = (kind: string) => ({ state: { kind } });
    let connections = [conn(true, false), conn(false, true), conn(false, false)];
    const p2p: ObservedP2p = {
      connections: () => connections,
      knownPeers: () => [state('Running'), state('Running'), state('Accepted'), state('Disconnected')],
      knownPoints: () => [
        { ...state('Requested'), trusted: true, reconnectionTime: undefined },
        { ...state('Disconnected'), trusted: false, reconnectionTime: 5 },
        { ...state('Running'), trusted: true, reconnectionTime: undefined },
      ],
      stat: () => ({ totalSent: 10, totalRecv: 20, currentInflow: 3, currentOutflow: 4 }),
    };
    const tally = new AppMessageTally();
    m.observe(p2p, tally);
    tally.received();
    tally.received();
    tally.sent();
    tally.readFailed();
    let t = await exposition(m);
    const values = (names: string[]) => names.map((n) => sample(t, `octez_p2p_${n}`));
    expect(
      values(['connections_active', 'connections_incoming', 'connections_outgoing', 'connections_private']),
    ).toEqual([3, 1, 2, 1]);
    expect(values(['peers_running', 'peers_accepted', 'peers_disconnected'])).toEqual([2, 1, 1]);
    expect(
      values(['points_trusted', 'points_greylisted', 'points_running', 'points_accepted', 'points_disconnected']),
    ).toEqual([2, 1, 1, 0, 1]);
    expect(
      values([
        'io_scheduler_total_sent',
        'io_scheduler_total_recv',
        'io_scheduler_current_inflow',
        'io_scheduler_current_outflow',
      ]),
    ).toEqual([10, 20, 3, 4]);
    expect(
      values(['messages_user_message_received', 'messages_user_message_sent', 'messages_user_message_received_error']),
    ).toEqual([2, 1, 1]);
    connections = [];
    tally.received();
    t = await exposition(m);
    expect(values(['connections_active', 'messages_user_message_received'])).toEqual([0, 3]);
    m.close();
  });
});
