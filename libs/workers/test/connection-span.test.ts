import {
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import type { P2pMessage, RawAppMessage, ShellConnectionMetadata } from '@tezos-p2p/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionPair, startConn } from './memory-connections.js';
import { ConnectionSpan, type P2pConn } from '../src/index.js';

// What the connection's span is asked to do, through a tracer provider written against the API alone
// (libraries may not use the SDK): every call is recorded, and whether spans record is switchable.

interface Call {
  readonly method: string;
  readonly args: readonly unknown[];
}

let recording = false;
const spans: FakeSpan[] = [];

class FakeSpan implements Span {
  readonly calls: Call[] = [];
  private readonly ctx: SpanContext = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: (spans.length + 1).toString(16).padStart(16, '0'),
    traceFlags: TraceFlags.SAMPLED,
  };
  constructor(
    readonly name: string,
    readonly options: SpanOptions,
    private readonly records: boolean,
  ) {}
  private call(method: string, ...args: unknown[]): this {
    this.calls.push({ method, args });
    return this;
  }
  spanContext(): SpanContext {
    return this.ctx;
  }
  setAttribute(key: string, value: unknown): this {
    return this.call('setAttribute', key, value);
  }
  setAttributes(attributes: Attributes): this {
    return this.call('setAttributes', attributes);
  }
  addEvent(name: string, attributes?: unknown): this {
    return this.call('addEvent', name, attributes);
  }
  addLink(link: Link): this {
    return this.call('addLink', link);
  }
  addLinks(links: Link[]): this {
    return this.call('addLinks', links);
  }
  setStatus(status: SpanStatus): this {
    return this.call('setStatus', status);
  }
  updateName(name: string): this {
    return this.call('updateName', name);
  }
  end(): void {
    this.call('end');
  }
  isRecording(): boolean {
    return this.records;
  }
  recordException(exception: unknown): void {
    this.call('recordException', exception);
  }
  attributes(): Attributes {
    return Object.assign(
      {},
      this.options.attributes,
      ...this.calls.filter((c) => c.method === 'setAttributes').map((c) => c.args[0]),
      ...this.calls.filter((c) => c.method === 'setAttribute').map((c) => ({ [c.args[0] as string]: c.args[1] })),
    );
  }
  events(): { name: string; attributes: Attributes }[] {
    return this.calls
      .filter((c) => c.method === 'addEvent')
      .map((c) => ({ name: c.args[0] as string, attributes: c.args[1] as Attributes }));
  }
}

const tracer: Tracer = {
  startSpan(name: string, options: SpanOptions = {}, _ctx?: Context): Span {
    const s = new FakeSpan(name, options, recording);
    spans.push(s);
    return s;
  },
  startActiveSpan: (() => {
    throw new Error('not used by the libraries');
  }) as Tracer['startActiveSpan'],
};

const point = { ip: '192.0.2.1', port: 9732 };
const app: P2pMessage<RawAppMessage> = { kind: 'Message', message: { tag: 0x10, payload: new Uint8Array(8) } };

/** A connection whose peer sends one of each topology message and some application messages, and which sends some. */
async function exchange(): Promise<{ span: FakeSpan; conn: P2pConn<RawAppMessage, ShellConnectionMetadata> }> {
  const before = spans.length;
  const connectionSpan = new ConnectionSpan('outgoing', point);
  const span = spans[before]!;
  const [local, remote] = await connectionPair();
  const conn = startConn(local, { idPoint: point, span: connectionSpan });
  const swapPeer = local.info.peerId;
  for (const m of [
    { kind: 'Bootstrap' },
    { kind: 'Advertise', points: [point, point] },
    { kind: 'Swap_request', point, peerId: swapPeer },
    { kind: 'Swap_ack', point, peerId: swapPeer },
    app,
    app,
  ] as P2pMessage<RawAppMessage>[])
    await remote.send(m);
  for (let i = 0; i < 2; i++) expect((await conn.read()).tag).toBe(0x10);
  expect(conn.writeBootstrap()).toBe(true);
  expect(conn.writeNow(app)).toBe(true);
  await conn.write(app);
  await conn.disconnect({ kind: 'User', message: 'done' }, { wait: true });
  remote.close();
  return { span, conn };
}

describe('the p2p.connection span of a P2pConn', () => {
  beforeAll(() => {
    expect(trace.setGlobalTracerProvider({ getTracer: () => tracer })).toBe(true);
  });

  it('not recording (tracing off, or not sampled): nothing is built or set per message; the span ends once', async () => {
    recording = false;
    const { span, conn } = await exchange();
    expect(span.name).toBe('p2p.connection');
    expect(span.options.root).toBe(true);
    expect(span.calls.map((c) => c.method)).toEqual(['end']);
    // Swaps read its context for their links: the span's, whatever it records.
    expect(conn.span?.spanContext).toBe(span.spanContext());
  });

  it('recording: topology messages each way are events, application messages are not; the end has the reason and counts', async () => {
    recording = true;
    const { span } = await exchange();
    const events = span.events();
    expect(
      events.map((e) => `${e.attributes['tezos.p2p.message.kind']} ${e.attributes['network.io.direction']}`),
    ).toEqual([
      'Bootstrap receive',
      'Advertise receive',
      'Swap_request receive',
      'Swap_ack receive',
      'Bootstrap transmit',
    ]);
    expect(events.every((e) => e.name === 'tezos.p2p.message')).toBe(true);
    expect(events[1]!.attributes['tezos.p2p.message.points']).toBe(2);
    expect(events[2]!.attributes).toMatchObject({ 'tezos.p2p.swap.point': '192.0.2.1:9732' });
    expect(span.attributes()).toMatchObject({
      'tezos.p2p.direction': 'outgoing',
      'network.peer.address': '192.0.2.1',
      'network.peer.port': 9732,
      'tezos.p2p.outcome': 'disconnected',
      'tezos.p2p.disconnect.reason': 'User',
      'tezos.p2p.messages.sent': 3,
      'tezos.p2p.messages.received': 6,
    });
    expect(span.attributes()['tezos.p2p.bytes.sent']).toBeGreaterThan(0);
    expect(span.calls.filter((c) => c.method === 'end')).toHaveLength(1);
    expect(span.calls.at(-1)!.method).toBe('end');
  });

  it('a failure ends it once, with error status and the code', () => {
    recording = true;
    const before = spans.length;
    const s = new ConnectionSpan('incoming', point);
    s.failed('CONNECTION_FAILED', 'cannot reach 192.0.2.1:9732');
    s.closed(
      { kind: 'Unknown_reason' },
      { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, currentInflow: 0, currentOutflow: 0 },
    );
    const span = spans[before]!;
    expect(span.attributes()).toMatchObject({
      'error.type': 'CONNECTION_FAILED',
      'tezos.p2p.outcome': 'CONNECTION_FAILED',
    });
    expect(span.calls.find((c) => c.method === 'setStatus')!.args[0]).toMatchObject({ code: 2 });
    expect(span.calls.filter((c) => c.method === 'end')).toHaveLength(1);
  });
});
