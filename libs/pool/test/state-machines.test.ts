import { describe, expect, it } from 'vitest';
import { PointInfo, PoolError, pointEventToJson } from '../src/index.js';
import { DEFAULT_RECONNECTION, afterFailure } from '../src/reconnection.js';
import { FakeConn, makePool, peer } from './helpers.js';

const P = { ip: '192.0.2.10', port: 9732 };
const A = peer(1);
const B = peer(2);
const T0 = Date.UTC(2026, 4, 18, 10, 0, 0);

describe('point state machine (P2p_point_state)', () => {
  type Step = [string, (i: PointInfo<FakeConn>, t: number) => void, string, Partial<Record<string, unknown>>];
  const conn = new FakeConn(A, { ip: P.ip, port: P.port });
  const table: [string, Step[]][] = [
    [
      'dial, accept, run, external disconnection',
      [
        ['set_requested', (i, t) => i.setRequested(t, () => undefined), 'Requested', {}],
        ['set_accepted', (i, t) => i.setAccepted(t, A, () => undefined), 'Accepted', {}],
        ['set_running', (i, t) => i.setRunning(t, A, conn), 'Running', { lastEstablished: 2000 }],
        [
          'set_disconnected',
          (i, t) => i.setDisconnected(t, DEFAULT_RECONNECTION),
          'Disconnected',
          { lastDisconnection: 3000, reconnectionEnd: 3000 + 60_000 },
        ],
      ],
    ],
    [
      'a failed dial backs off 1 s',
      [
        ['set_requested', (i, t) => i.setRequested(t, () => undefined), 'Requested', {}],
        [
          'set_disconnected',
          (i, t) => i.setDisconnected(t, DEFAULT_RECONNECTION),
          'Disconnected',
          { lastFailed: 1000, reconnectionEnd: 1000 + 1000 },
        ],
      ],
    ],
    [
      'a rejected Ack phase records the peer',
      [
        ['set_accepted', (i, t) => i.setAccepted(t, B, () => undefined), 'Accepted', {}],
        [
          'set_disconnected',
          (i, t) => i.setDisconnected(t, DEFAULT_RECONNECTION),
          'Disconnected',
          { lastRejected: 1000, reconnectionEnd: 1000 + 1000 },
        ],
      ],
    ],
  ];

  it.each(table)('%s', (_name, steps) => {
    const info = new PointInfo<FakeConn>(P);
    steps.forEach(([_op, f, state, expect_], k) => {
      const t = T0 + k * 1000;
      f(info, t);
      expect(info.state.kind).toBe(state);
      // Expected values are offsets from T0 in ms; step k happens at T0 + k·1000.
      const at = (key: string) => T0 + (expect_[key] as number);
      if (expect_['lastEstablished'] !== undefined)
        expect(info.lastEstablishedConnection).toEqual({ value: A, at: at('lastEstablished') });
      if (expect_['lastDisconnection'] !== undefined)
        expect(info.lastDisconnection).toEqual({ value: A, at: at('lastDisconnection') });
      if (expect_['lastFailed'] !== undefined) expect(info.lastFailedConnection).toBe(at('lastFailed'));
      if (expect_['lastRejected'] !== undefined)
        expect(info.lastRejectedConnection).toEqual({ value: B, at: at('lastRejected') });
      if (expect_['reconnectionEnd'] !== undefined) expect(info.reconnectionTime).toBe(at('reconnectionEnd'));
    });
  });

  it('refuses the transitions Octez asserts against, with a typed error', () => {
    const info = new PointInfo<FakeConn>(P);
    expect(() => info.setDisconnected(T0, DEFAULT_RECONNECTION)).toThrow(PoolError);
    info.setAccepted(T0, A, () => undefined);
    expect(() => info.setRunning(T0, B, new FakeConn(B, { ip: P.ip, port: 1 }))).toThrow(/cannot run/);
    expect(() => info.setRequested(T0, () => undefined)).toThrow(
      expect.objectContaining({ code: 'INVALID_TRANSITION' }),
    );
  });

  it('back-off grows ×1.2 from 1 s, capped at 2 days; a running connection resets it to 60 s then 1 s', () => {
    const info = new PointInfo<FakeConn>(P);
    const waits: number[] = [];
    let t = T0;
    for (let k = 0; k < 5; k++) {
      info.setRequested(t, () => undefined);
      info.setDisconnected(t, DEFAULT_RECONNECTION);
      waits.push(info.reconnectionTime! - t);
      t += 10_000;
    }
    expect(waits.map((w) => Math.round(w))).toEqual([1000, 1200, 1440, 1728, 2074]);
    let r = afterFailure(DEFAULT_RECONNECTION, undefined, 0);
    for (let k = 0; k < 100; k++) r = afterFailure(DEFAULT_RECONNECTION, r, 0);
    expect(r.delay).toBe(172_800_000);
    info.setAccepted(t, A, () => undefined);
    info.setRunning(t, A, new FakeConn(A, { ip: P.ip, port: P.port }));
    info.setDisconnected(t, DEFAULT_RECONNECTION);
    expect(info.reconnectionTime).toBe(t + 60_000);
    expect(info.cannotReconnectYet(t + 60_000)).toBe(true);
    expect(info.cannotReconnectYet(t + 60_001)).toBe(false);
    info.setRequested(t, () => undefined);
    info.setDisconnected(t, DEFAULT_RECONNECTION);
    expect(info.reconnectionTime).toBe(t + 1000);
  });

  it('last_seen prefers the later timestamp (rejected, then established, on ties); last_miss is the latest failure', () => {
    const info = new PointInfo<FakeConn>(P);
    info.lastEstablishedConnection = { value: A, at: 5 };
    info.lastRejectedConnection = { value: B, at: 5 };
    expect(info.lastSeen?.value).toBe(B);
    info.lastDisconnection = { value: A, at: 7 };
    expect(info.lastSeen?.at).toBe(7);
    info.lastFailedConnection = 9;
    expect(info.lastMiss).toBe(9);
  });

  it('logs point events with Octez JSON (including the rejecting_request copy-paste for tags 4–6)', () => {
    const info = new PointInfo<FakeConn>(P);
    info.setAccepted(T0, A, () => undefined);
    info.setRunning(T0, A, new FakeConn(A, { ip: P.ip, port: P.port }));
    info.setDisconnected(T0 + 1, DEFAULT_RECONNECTION, true);
    const json = info.events.toArray().map(pointEventToJson);
    expect(json.map(([, k]) => k['event_kind'])).toEqual([
      'accepting_request',
      'rejecting_request',
      'rejecting_request',
    ]);
    expect(json[0]).toEqual(['2026-05-18T10:00:00.000-00:00', { event_kind: 'accepting_request', p2p_peer_id: A }]);
  });
});

describe('peer state machine (P2p_peer_state)', () => {
  it('accepted → running → disconnected, with points and events', () => {
    const { pool } = makePool();
    const info = pool.registerPeer(A);
    const pt = { ip: '192.0.2.1', port: 9732 };
    info.setAccepted(T0, pt, () => undefined);
    expect(() => info.setAccepted(T0, pt, () => undefined)).toThrow(PoolError);
    info.setRunning(T0 + 1, pt, new FakeConn(A, pt), {});
    info.setDisconnected(T0 + 2);
    expect(info.events.toArray().map((e) => e.kind)).toEqual([
      'Accepting_request',
      'Connection_established',
      'External_disconnection',
    ]);
    expect(info.lastSeen).toEqual({ value: pt, at: T0 + 2 });
    expect(() => info.setDisconnected(T0 + 3)).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
    const other = pool.registerPeer(B);
    other.setAccepted(T0, pt, () => undefined);
    expect(() => other.setRunning(T0, { ip: '192.0.2.1', port: 1 }, new FakeConn(B, pt), {})).toThrow(/cannot run/);
    other.setDisconnected(T0 + 5);
    expect(other.lastRejectedConnection).toEqual({ value: pt, at: T0 + 5 });
    expect(other.lastMiss?.at).toBe(T0 + 5);
  });
});
