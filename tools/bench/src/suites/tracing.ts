import { ProxyTracerProvider, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { generateIdentity } from '@tezos-p2p/crypto';
import { type P2p, type P2pConnection, createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import type { PeerId, RawAppMessage, ShellConnectionMetadata, ShellPeerMetadata } from '@tezos-p2p/wire';
import { type MeasureOptions, measureAsync } from '../harness.js';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';

const CHAIN = 'TEZOS_BENCH_TRACING';
/** Messages per timed operation: sent back to back, then all awaited on the receiving side. */
const BATCH = 256;
const MESSAGE: RawAppMessage = { tag: 0x10, payload: new Uint8Array(1024) };

type Node = P2p<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata>;
type Conn = P2pConnection<RawAppMessage, ShellConnectionMetadata>;

/** The real SDK pipeline up to the exporter, which counts what it is given and drops it. */
class DiscardingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.spans += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function node(host: string): Promise<Node> {
  return (await createP2p(
    {
      identity: await generateIdentity({ difficulty: 0, workers: 0 }),
      listenAddr: host,
      localAddress: host,
      listeningPort: 0,
      expectedProofOfWork: 0,
    },
    { maintenanceIdleTimeMs: null },
    rawMessageParams(CHAIN),
  )) as Node;
}

/** Resolves at `b`'s next event of `kind` about `peerId`. */
function next(b: Node, kind: 'Connection_established' | 'Disconnection', peerId: PeerId): Promise<void> {
  return new Promise((resolve) => {
    const sub = b.events$.subscribe((e) => {
      if (e.kind === kind && e.peerId === peerId) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
}

class Pair {
  constructor(
    readonly a: Node,
    readonly b: Node,
    private readonly hostB: string,
  ) {}

  async connect(): Promise<{ out: Conn; in: Conn }> {
    const up = next(this.b, 'Connection_established', this.a.peerId);
    const out = await this.a.connect({ ip: this.hostB, port: this.b.listeningPort! });
    await up;
    return { out, in: this.b.findConnection(this.a.peerId)! };
  }

  async disconnect(out: Conn): Promise<void> {
    const gone = next(this.b, 'Disconnection', this.a.peerId);
    await this.a.disconnect(out);
    await gone;
  }

  /** One sample of `BATCH` messages a → b over a connection opened for it (untimed), sent as fast as the queues take them. */
  async messages(opts: MeasureOptions): Promise<number> {
    const c = await this.connect();
    const rate = await measureAsync(
      async () => {
        const received = (async () => {
          for (let i = 0; i < BATCH; i++) await this.b.recv(c.in);
        })();
        for (let i = 0; i < BATCH; i++) await this.a.send(c.out, MESSAGE);
        await received;
      },
      opts,
      BATCH,
    );
    await this.disconnect(c.out);
    return rate.opsPerSec;
  }

  /** One sample of whole connections: dial, handshake, disconnect, both sides settled. */
  async cycles(opts: MeasureOptions): Promise<{ rate: number; cpuUs: number }> {
    let n = 0;
    const cpu = process.cpuUsage();
    const rate = await measureAsync(async () => {
      const c = await this.connect();
      await this.disconnect(c.out);
      n++;
    }, opts);
    const used = process.cpuUsage(cpu);
    // This process's CPU time per connection (both nodes, warm-up included): less sensitive than the
    // rate to what else the machine runs.
    return { rate: rate.opsPerSec, cpuUs: (used.user + used.system) / n };
  }

  /** Whether a new connection's spans record. */
  async recording(): Promise<boolean> {
    const c = await this.connect();
    const recording = c.out.span?.isRecording === true && c.in.span?.isRecording === true;
    await this.disconnect(c.out);
    return recording;
  }
}

/**
 * Off or on, switchable within one process. The libraries' proxy tracers bind for good to the first
 * provider registered, so "off" and "on" cannot be two registrations; this one provider is registered
 * once and its tracers start each span on the SDK's tracer ("on") or on an unbound API proxy, which is
 * the no-op path a node without OTEL_* configuration takes ("off"). Samples can then alternate, so
 * that the drift of a shared machine falls on both figures alike.
 */
class SwitchableProvider implements TracerProvider {
  on = false;
  private readonly noop = new ProxyTracerProvider();

  constructor(private readonly sdk: TracerProvider) {}

  getTracer(name: string, version?: string): Tracer {
    const sdk = this.sdk.getTracer(name, version);
    const off = this.noop.getTracer(name, version);
    const current = () => (this.on ? sdk : off);
    return {
      startSpan: (n, options, ctx) => current().startSpan(n, options, ctx),
      startActiveSpan: ((...args: unknown[]) => {
        const t = current();
        return Reflect.apply(t.startActiveSpan, t, args);
      }) as Tracer['startActiveSpan'],
    };
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface TracingOptions {
  /** Samples of each figure in each mode, taken off, on, on, off, off, on … */
  readonly rounds: number;
  /** Each sample (measureAsync with one sample after its warm-up). */
  readonly sample: MeasureOptions;
}

/**
 * One loopback pair of P2P layers, measured with tracing off (the API's no-op tracer) and on (the
 * SDK's BasicTracerProvider, every span sampled, a batch processor and an exporter that discards),
 * samples alternating.
 */
export async function runTracing(opts: TracingOptions): Promise<{ figures: Figure[]; notes: string[] }> {
  const hostA = '127.0.0.61';
  const hostB = '127.0.0.62';
  const exporter = new DiscardingExporter();
  const sdk = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
  const provider = new SwitchableProvider(sdk);
  if (!trace.setGlobalTracerProvider(provider)) throw new Error('a tracer provider is registered already');
  const pair = new Pair(await node(hostA), await node(hostB), hostB);
  try {
    const sample = { ...opts.sample, samples: 1 };
    const off = { messages: [] as number[], cycles: [] as number[], cpuUs: [] as number[] };
    const on = { messages: [] as number[], cycles: [] as number[], cpuUs: [] as number[] };
    for (let r = 0; r < opts.rounds; r++) {
      // off, on, on, off, off, on …: whatever drifts within a round or across rounds falls on both.
      const order = r % 2 === 0 ? ([false, true] as const) : ([true, false] as const);
      for (const mode of order) {
        const into = mode ? on : off;
        provider.on = mode;
        if ((await pair.recording()) !== mode)
          throw new Error(`spans ${mode ? 'do not record' : 'record'} ${mode ? 'on' : 'off'}`);
        into.messages.push(await pair.messages(sample));
        const cycles = await pair.cycles(sample);
        into.cycles.push(cycles.rate);
        into.cpuUs.push(cycles.cpuUs);
      }
    }
    await sdk.forceFlush();
    const figures: Figure[] = [
      {
        name: '1 KiB application messages over one loopback connection, tracing on',
        value: median(on.messages),
        unit: 'msg/s',
        baseline: { name: 'tracing off', value: median(off.messages) },
      },
      {
        name: 'connections (dial, handshake, disconnect), tracing on',
        value: median(on.cycles),
        unit: 'conn/s',
        baseline: { name: 'tracing off', value: median(off.cycles) },
      },
    ];
    return {
      figures,
      notes: [
        `CPU time per connection (both ends, this process), medians: ${median(off.cpuUs).toFixed(0)} µs off, ` +
          `${median(on.cpuUs).toFixed(0)} µs on; per-round ratios on/off of the connection rate: ` +
          off.cycles.map((x, i) => `${((on.cycles[i]! / x) * 100).toFixed(0)} %`).join(', '),
        `medians of ${opts.rounds} samples each, off and on alternating (off-on, on-off …); off: the @opentelemetry/api no-op tracer; ` +
          'on: BasicTracerProvider, every span sampled, BatchSpanProcessor, an exporter that discards',
        `${exporter.spans} spans exported with tracing on (p2p.connection, p2p.connect and p2p.authenticate ×2 per connection)`,
        'application messages are never span events: with tracing on a message costs nothing more, a connection costs its spans',
      ],
    };
  } finally {
    await Promise.all([pair.a.stop(), pair.b.stop()]);
    await sdk.shutdown();
    trace.disable();
  }
}

export const tracingSuite: Suite = {
  name: 'tracing',
  title: 'Connection tracing: OpenTelemetry off vs on',
  run: () => runTracing({ rounds: 8, sample: { sampleMs: 400, warmupMs: 100 } }),
};
