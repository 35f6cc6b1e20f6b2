import { type IncomingMessage, type Server, createServer } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { gunzipSync } from 'node:zlib';

// ---- a minimal OTLP/HTTP receiver ----
// The exporters of @opentelemetry/exporter-*-otlp-http 0.208 send OTLP/JSON (JsonTraceSerializer,
// Content-Type application/json): ids as hex strings, attributes as [{ key, value: { stringValue |
// intValue | boolValue | doubleValue } }]. So the receiver only needs JSON.parse. A root span has no
// parentSpanId (or an empty one); events and links carry their own attributes.

interface AnyValue {
  readonly stringValue?: string;
  readonly intValue?: number | string;
  readonly boolValue?: boolean;
  readonly doubleValue?: number;
}
interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}
interface OtlpEvent {
  readonly name: string;
  readonly timeUnixNano?: string | number;
  readonly attributes?: readonly KeyValue[];
}
interface OtlpLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes?: readonly KeyValue[];
}
interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly startTimeUnixNano?: string | number;
  readonly endTimeUnixNano?: string | number;
  readonly attributes?: readonly KeyValue[];
  readonly events?: readonly OtlpEvent[];
  readonly links?: readonly OtlpLink[];
  readonly status?: { readonly code?: number; readonly message?: string };
}
interface ExportTraceRequest {
  readonly resourceSpans: readonly {
    readonly resource?: { readonly attributes?: readonly KeyValue[] };
    readonly scopeSpans: readonly {
      readonly scope?: { readonly name: string; readonly version?: string };
      readonly spans: readonly OtlpSpan[];
    }[];
  }[];
}
interface ExportMetricsRequest {
  readonly resourceMetrics: readonly {
    readonly scopeMetrics: readonly {
      readonly scope?: { readonly name: string };
      readonly metrics: readonly { readonly name: string }[];
    }[];
  }[];
}
export interface Received {
  readonly path: string;
  readonly contentType: string;
  readonly body: unknown;
}

function value(v: AnyValue): string | number | boolean | undefined {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.boolValue ?? v.doubleValue;
}

type Attrs = Record<string, string | number | boolean | undefined>;

function attributes(kvs: readonly KeyValue[] = []): Attrs {
  return Object.fromEntries(kvs.map((kv) => [kv.key, value(kv.value)]));
}

/** OTLP's status codes: 0 unset, 1 ok, 2 error. */
export const STATUS_ERROR = 2;

/** One exported span as the tests read it: ids in hex, attributes as a plain record. */
export interface ReceivedSpan {
  readonly name: string;
  readonly scope: string | undefined;
  readonly traceId: string;
  readonly spanId: string;
  /** Absent for a root span. */
  readonly parentSpanId: string | undefined;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: Attrs;
  readonly events: readonly { readonly name: string; readonly attributes: Attrs }[];
  readonly links: readonly { readonly traceId: string; readonly spanId: string; readonly attributes: Attrs }[];
  readonly status: { readonly code: number; readonly message: string | undefined };
  readonly resource: Attrs;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const raw = Buffer.concat(parts);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const contentType = req.headers['content-type'] ?? '';
      received.push({
        path: req.url ?? '',
        contentType,
        body: contentType.startsWith('application/json') ? JSON.parse(body.toString('utf8')) : body,
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { server, url: `http://127.0.0.1:${address.port}`, received };
}

export function spansOf(received: readonly Received[]): ReceivedSpan[] {
  return received
    .filter((r) => r.path === '/v1/traces')
    .flatMap((r) =>
      (r.body as ExportTraceRequest).resourceSpans.flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((s) => ({
            name: s.name,
            scope: ss.scope?.name,
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId || undefined,
            startNs: BigInt(s.startTimeUnixNano ?? 0),
            endNs: BigInt(s.endTimeUnixNano ?? 0),
            attributes: attributes(s.attributes),
            events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attributes(e.attributes) })),
            links: (s.links ?? []).map((l) => ({
              traceId: l.traceId,
              spanId: l.spanId,
              attributes: attributes(l.attributes),
            })),
            status: { code: s.status?.code ?? 0, message: s.status?.message },
            resource: attributes(rs.resource?.attributes),
          })),
        ),
      ),
    );
}

export function metricNamesOf(received: readonly Received[]): string[] {
  return received
    .filter((r) => r.path === '/v1/metrics')
    .flatMap((r) =>
      (r.body as ExportMetricsRequest).resourceMetrics.flatMap((rm) =>
        rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.name)),
      ),
    );
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/**
 * A receiver for the enclosing `describe`: started before its tests with OTEL_EXPORTER_OTLP_ENDPOINT
 * pointing at it, closed after them with the variable restored. Hooks registered later (nodes,
 * telemetry) run after it starts and, being `afterAll`s of the same suite, before it closes.
 */
export function receiverForSuite(): { readonly current: Receiver } {
  let receiver: Receiver | undefined;
  const saved = process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  beforeAll(async () => {
    receiver = await startReceiver();
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = receiver.url;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    else process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = saved;
    if (receiver === undefined) return;
    receiver.server.closeAllConnections();
    const server = receiver.server;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    get current(): Receiver {
      if (receiver === undefined) throw new Error('the OTLP receiver is not started yet');
      return receiver;
    },
  };
}
