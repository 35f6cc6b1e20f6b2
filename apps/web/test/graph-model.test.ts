import { describe, expect, it } from 'vitest';
import type { DevnetSnapshotJson } from '../src/devnet-api.js';
import { type NodeInputs, devnetGraph, nodeGraph, pointIp } from '../src/app/graph-model.js';
import type { PeerInfoJson, PointInfoJson } from '../src/app/rpc-types.js';

const STAT = { total_sent: '0', total_recv: '0', current_inflow: 0, current_outflow: 0 };
const SELF = 'idtSELF0000000000000000000000';
const A = 'idtAAAA0000000000000000000000';
const B = 'idtBBBB0000000000000000000000';
const C = 'idtCCCC0000000000000000000000';

const peer = (state: PeerInfoJson['state'], trusted = false): PeerInfoJson => ({ trusted, state, stat: STAT });
const point = (kind: PointInfoJson['state']['event_kind'], extra: Partial<PointInfoJson> = {}): PointInfoJson => ({
  trusted: false,
  state: { event_kind: kind },
  ...extra,
});

function inputs(over: Partial<NodeInputs>): NodeInputs {
  return {
    self: SELF,
    connections: [],
    peers: [],
    points: [],
    greylistedPeers: [],
    greylistedIps: [],
    banned: new Set(),
    now: Date.parse('2026-01-01T00:00:00Z'),
    ...over,
  };
}

describe('nodeGraph (one node’s RPC answers → vertices and edges)', () => {
  it('draws each connection from the side that dialled, and colours peers by state', () => {
    const g = nodeGraph(
      inputs({
        connections: [
          { incoming: false, peer_id: A, id_point: { addr: '127.0.0.1', port: 1 } },
          { incoming: true, peer_id: B, id_point: { addr: '127.0.0.1', port: 2 } },
        ],
        peers: [
          [A, peer('running', true)],
          [B, peer('running')],
          [C, peer('disconnected')],
        ],
      }),
    );
    expect(g.edges.map((e) => `${e.source}>${e.target}`)).toEqual([`peer:${SELF}>peer:${A}`, `peer:${B}>peer:${SELF}`]);
    const byId = new Map(g.vertices.map((v) => [v.id, v]));
    expect(byId.get(`peer:${SELF}`)?.state).toBe('self');
    expect(byId.get(`peer:${A}`)).toMatchObject({ state: 'running', trusted: true, kind: 'peer' });
    expect(byId.get(`peer:${C}`)?.state).toBe('disconnected');
  });

  it('shows greylisted and banned peers and points, greylisting first', () => {
    const g = nodeGraph(
      inputs({
        peers: [
          [A, peer('disconnected')],
          [B, peer('disconnected')],
        ],
        points: [
          ['10.0.0.1:9732', point('disconnected')],
          ['10.0.0.2:9732', point('disconnected', { greylisted_until: '2026-01-01T00:01:00Z' })],
          ['10.0.0.3:9732', point('disconnected')],
          ['[::1]:9732', point('requested', { trusted: true })],
        ],
        greylistedPeers: [A],
        greylistedIps: ['10.0.0.1'],
        banned: new Set([A, B, '10.0.0.3:9732']),
      }),
    );
    const state = Object.fromEntries(g.vertices.map((v) => [v.title, v.state]));
    expect(state).toMatchObject({
      [A]: 'greylisted',
      [B]: 'banned',
      '10.0.0.1:9732': 'greylisted',
      '10.0.0.2:9732': 'greylisted',
      '10.0.0.3:9732': 'banned',
      '[::1]:9732': 'requested',
    });
    expect(g.vertices.find((v) => v.title === '[::1]:9732')).toMatchObject({ kind: 'point', trusted: true });
  });

  it('folds a point into the known peer it belongs (or last belonged) to', () => {
    const g = nodeGraph(
      inputs({
        peers: [[A, peer('running')]],
        points: [
          ['127.0.0.1:1', point('running', { p2p_peer_id: A })],
          ['127.0.0.1:2', point('disconnected', { last_established_connection: [A, '2026-01-01T00:00:00Z'] })],
          ['127.0.0.1:3', point('disconnected', { last_seen: [C, '2026-01-01T00:00:00Z'] })],
        ],
      }),
    );
    expect(g.vertices.map((v) => v.title)).toEqual([SELF, A, '127.0.0.1:3']);
  });

  it('reads the IP of IPv4 and bracketed IPv6 points', () => {
    expect(pointIp('1.2.3.4:9732')).toBe('1.2.3.4');
    expect(pointIp('[2001:db8::1]:9732')).toBe('2001:db8::1');
  });
});

describe('devnetGraph (the devnet snapshot → one graph)', () => {
  const conn = (peer_id: string, incoming: boolean) => ({ peer_id, incoming, addr: '127.0.0.1', port: 1, stat: STAT });
  const node = (
    index: number,
    peer_id: string,
    connections: ReturnType<typeof conn>[],
    greylisted_peers: string[] = [],
  ) => ({
    index,
    peer_id,
    p2p: `127.0.0.1:${index}`,
    rpc: null,
    stat: STAT,
    connections,
    greylisted_peers,
  });

  it('draws each connection once, whichever end reports it, and peers outside the devnet', () => {
    const s: DevnetSnapshotJson = {
      nodes: [
        node(0, SELF, [conn(A, true), conn(C, false)]),
        node(1, A, [conn(SELF, false), conn(B, false)]),
        // B has not yet counted the connection A already reports.
        node(2, B, []),
      ],
    };
    const g = devnetGraph(s);
    expect(g.edges.map((e) => `${e.source}>${e.target}`).sort()).toEqual(
      [`peer:${A}>peer:${SELF}`, `peer:${SELF}>peer:${C}`, `peer:${A}>peer:${B}`].sort(),
    );
    expect(g.vertices.map((v) => [v.label, v.state])).toEqual([
      ['node 0', 'running'],
      ['node 1', 'running'],
      ['node 2', 'disconnected'],
      ['idtCCCC0…', 'running'],
    ]);
  });

  it('marks a node greylisted by any other node', () => {
    const g = devnetGraph({ nodes: [node(0, SELF, [], [A]), node(1, A, [])] });
    expect(g.vertices.find((v) => v.title === A)?.state).toBe('greylisted');
  });
});
