import {
  type Attributes,
  type Meter,
  type MeterProvider,
  type ObservableCallback,
  type ObservableResult,
  createNoopMeter,
  metrics,
} from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { P2pError } from '../src/index.js';
// The counting helpers are internal to the package (the connect handler calls them), hence the direct import.
import {
  countGreylisting,
  countHandshake,
  countNack,
  countReports,
  countSilentRefusal,
  observeConnections,
} from '../src/metrics.js';
import { EventBus } from '@tezos-p2p/events';
import type { PeerId } from '@tezos-p2p/wire';

// Libraries may use only @opentelemetry/api, so no SDK here: a provider that records what the
// instruments receive. (apps/node/test/telemetry-metrics.test.ts runs the real SDK with real nodes.)

interface Recording {
  readonly adds: { name: string; value: number; attributes: Attributes }[];
  readonly gauges: Map<string, ObservableCallback[]>;
}

function recordingProvider(): MeterProvider & Recording {
  const adds: Recording['adds'] = [];
  const gauges = new Map<string, ObservableCallback[]>();
  const meter: Meter = Object.assign(Object.create(createNoopMeter()) as Meter, {
    createCounter: (name: string) => ({
      add: (value: number, attributes: Attributes = {}) => void adds.push({ name, value, attributes }),
    }),
    createObservableGauge: (name: string) => ({
      addCallback: (cb: ObservableCallback) => void gauges.set(name, [...(gauges.get(name) ?? []), cb]),
      removeCallback: () => undefined,
    }),
  });
  return { adds, gauges, getMeter: () => meter };
}

/** Run a gauge's callbacks as a reader would, returning what they observed. */
async function observe(p: Recording, name: string): Promise<{ value: number; attributes: Attributes }[]> {
  const seen: { value: number; attributes: Attributes }[] = [];
  const result: ObservableResult = { observe: (value, attributes = {}) => void seen.push({ value, attributes }) };
  for (const cb of p.gauges.get(name) ?? []) await cb(result);
  return seen;
}

const conn = (incoming: boolean) => ({ connection: { info: { incoming } } });

afterEach(() => {
  metrics.disable();
});

describe('workers metrics', () => {
  it('bind to the provider registered when they are used, even one registered after the first use', async () => {
    countGreylisting('address'); // no provider yet: a no-op meter
    const first = recordingProvider();
    metrics.setGlobalMeterProvider(first);
    countGreylisting('peer');
    expect(first.adds).toEqual([{ name: 'tezos.p2p.greylistings', value: 1, attributes: { kind: 'peer' } }]);

    metrics.disable();
    const second = recordingProvider();
    metrics.setGlobalMeterProvider(second);
    countGreylisting('address');
    expect(second.adds).toEqual([{ name: 'tezos.p2p.greylistings', value: 1, attributes: { kind: 'address' } }]);
    expect(first.adds).toHaveLength(1);
    // The connections gauge moved with them.
    expect(second.gauges.has('tezos.p2p.connections')).toBe(true);
  });

  it('refusal reasons: Nack motives in lower case, silent refusals by code, nothing for other codes', () => {
    const p = recordingProvider();
    metrics.setGlobalMeterProvider(p);
    countNack({ kind: 'Unknown_chain_name' });
    countNack({ kind: 'Too_many_connections' });
    countNack({ kind: 'Unknown_motive', code: 4242 });
    countSilentRefusal('PEER_BANNED');
    countSilentRefusal('IDENTITY_CHECK_FAILURE');
    countSilentRefusal('PRIVATE_MODE');
    countSilentRefusal('TIMEOUT');
    expect(p.adds.map((a) => [a.name, a.attributes])).toEqual([
      ['tezos.p2p.refusals', { reason: 'unknown_chain_name' }],
      ['tezos.p2p.refusals', { reason: 'too_many_connections' }],
      ['tezos.p2p.refusals', { reason: 'unknown_motive' }],
      ['tezos.p2p.refusals', { reason: 'peer_banned' }],
      ['tezos.p2p.refusals', { reason: 'identity_check_failure' }],
      ['tezos.p2p.refusals', { reason: 'private_mode' }],
    ]);
  });

  it('handshakes: counted once settled, by direction and outcome; the attempt is returned untouched', async () => {
    const p = recordingProvider();
    metrics.setGlobalMeterProvider(p);
    const ok = Promise.resolve('conn');
    expect(countHandshake(false, ok)).toBe(ok);
    await ok;
    const failure = new P2pError('TIMEOUT', 'too slow');
    await expect(countHandshake(true, Promise.reject(failure))).rejects.toBe(failure);
    await expect(countHandshake(true, Promise.reject(new Error('odd')))).rejects.toThrow('odd');
    await new Promise((r) => setImmediate(r));
    expect(p.adds.map((a) => a.attributes)).toEqual([
      { direction: 'outgoing', outcome: 'accepted' },
      { direction: 'incoming', outcome: 'TIMEOUT' },
      { direction: 'incoming', outcome: 'SOCKET_ERROR' },
    ]);
  });

  it('counters derive from the bus: each report that stands for a counted happening adds to its counter, others add nothing', () => {
    const p = recordingProvider();
    metrics.setGlobalMeterProvider(p);
    const bus = new EventBus();
    const sub = countReports(bus);
    const point = { ip: '192.0.2.1', port: 9732 };
    const peerId = 'idtest' as PeerId;
    bus.report({ kind: 'handshake_settled', point, incoming: true, outcome: 'accepted', durationMs: 12 });
    bus.report({ kind: 'handshake_settled', point, incoming: false, outcome: 'TIMEOUT', durationMs: 10_000 });
    bus.report({ kind: 'incoming_refused', point, reason: 'too_many_incoming_from_address' });
    bus.report({ kind: 'incoming_refused', point, reason: 'banned' });
    bus.report({ kind: 'incoming_evicted', point, by: point });
    bus.report({ kind: 'nack_sent', point, peerId, motive: { kind: 'Already_connected' } });
    bus.report({ kind: 'refused_silently', point, peerId, error: { code: 'PEER_BANNED', message: 'banned' } });
    bus.report({ kind: 'address_greylisted', point });
    bus.report({ kind: 'greylisted', peerId, point, motive: 'decoding error' });
    bus.report({ kind: 'bootstrap_received', peerId });
    sub.unsubscribe();
    bus.report({ kind: 'address_greylisted', point });
    expect(p.adds.map((a) => [a.name, a.attributes])).toEqual([
      ['tezos.p2p.handshakes', { direction: 'incoming', outcome: 'accepted' }],
      ['tezos.p2p.handshakes', { direction: 'outgoing', outcome: 'TIMEOUT' }],
      ['tezos.p2p.refusals', { reason: 'incoming_too_many_from_address' }],
      ['tezos.p2p.refusals', { reason: 'incoming_banned' }],
      ['tezos.p2p.refusals', { reason: 'incoming_evicted' }],
      ['tezos.p2p.refusals', { reason: 'already_connected' }],
      ['tezos.p2p.refusals', { reason: 'peer_banned' }],
      ['tezos.p2p.greylistings', { kind: 'address' }],
      ['tezos.p2p.greylistings', { kind: 'peer' }],
    ]);
  });

  it('the connections gauge sums every registered source by direction, until it is unregistered', async () => {
    const p = recordingProvider();
    metrics.setGlobalMeterProvider(p);
    const one = observeConnections(() => [conn(true), conn(false), conn(false)]);
    const two = observeConnections(() => [conn(true)]);
    expect(await observe(p, 'tezos.p2p.connections')).toEqual([
      { value: 2, attributes: { direction: 'incoming' } },
      { value: 2, attributes: { direction: 'outgoing' } },
    ]);
    one();
    expect(await observe(p, 'tezos.p2p.connections')).toEqual([
      { value: 1, attributes: { direction: 'incoming' } },
      { value: 0, attributes: { direction: 'outgoing' } },
    ]);
    two();
    expect(await observe(p, 'tezos.p2p.connections')).toEqual([
      { value: 0, attributes: { direction: 'incoming' } },
      { value: 0, attributes: { direction: 'outgoing' } },
    ]);
  });
});
