import { Console } from 'node:console';
import { Writable } from 'node:stream';
// Loaded here, before startTelemetry, on purpose (see below).
import '@tezos-p2p/p2p';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startTelemetry } from '../src/telemetry/index.js';
import { leftSince, loopbackNode, resources, testHost } from './loopback-nodes.js';

// The P2P libraries are imported (and have obtained their tracers) before startTelemetry runs: the
// API's proxy tracers must still reach the SDK registered later.

/**
 * What the SDK's console exporters print: both call `console.dir(object, { depth })`. vitest replaces
 * the test's console (its output never reaches process.stdout), so `console.dir` is redirected to a
 * real Console writing into a buffer: `text` is exactly what stdout would show; `printed` keeps the objects.
 */
function captureConsoleDir(): { printed: unknown[]; text: () => string; restore: () => void } {
  const printed: unknown[] = [];
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const stdout = new Console({ stdout: sink, colorMode: false });
  const spy = vi.spyOn(console, 'dir').mockImplementation((item: unknown, options?: object) => {
    printed.push(item);
    stdout.dir(item, options);
  });
  return { printed, text: () => chunks.join(''), restore: () => spy.mockRestore() };
}

interface PrintedSpan {
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly resource: { readonly attributes: Record<string, unknown> };
  readonly instrumentationScope: { readonly name: string };
}

function isSpan(x: unknown): x is PrintedSpan {
  return typeof x === 'object' && x !== null && 'name' in x && 'traceId' in x;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('console exporters', () => {
  it('print the handshake spans and the metrics on stdout', async () => {
    await new Promise((r) => setImmediate(r));
    const before = resources();
    const out = captureConsoleDir();
    const telemetry = startTelemetry({ serviceName: 'tzp2p-console-test', traces: 'console', metrics: 'console' });
    try {
      const hostA = testHost(41);
      const hostB = testHost(42);
      const a = await loopbackNode(hostA);
      const b = await loopbackNode(hostB);
      try {
        const conn = await a.connect({ ip: hostB, port: b.listeningPort! });
        expect(conn.peerId).toBe(b.peerId);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      await telemetry.forceFlush();
    } finally {
      await telemetry.shutdown();
      out.restore();
    }

    const spans = out.printed.filter(isSpan);
    const connect = spans.find((s) => s.name === 'p2p.connect');
    expect(connect).toMatchObject({
      instrumentationScope: { name: '@tezos-p2p/workers' },
      attributes: { 'network.peer.address': testHost(42), 'tezos.p2p.outcome': 'connected' },
      resource: { attributes: { 'service.name': 'tzp2p-console-test' } },
    });
    // Each handshake half ends with its Ack exchange (or its failure), before the nodes are stopped.
    expect(
      spans
        .filter((s) => s.name === 'p2p.authenticate')
        .map((s) => s.attributes['tezos.p2p.direction'])
        .sort(),
    ).toEqual(['incoming', 'outgoing']);
    expect(out.text()).toContain("name: 'p2p.authenticate'");
    expect(out.text()).toContain("'tezos.p2p.peer_id': ");
    const metricNames = out.printed.flatMap((x) =>
      typeof x === 'object' && x !== null && 'descriptor' in x
        ? [(x as { descriptor: { name: string } }).descriptor.name]
        : [],
    );
    expect(metricNames).toEqual(
      expect.arrayContaining(['tezos.p2p.connections', 'tezos.p2p.handshakes', 'tezos.p2p.bytes']),
    );

    for (let i = 0; i < 50 && Object.keys(leftSince(before)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(leftSince(before)).toEqual({});
  });
});
