import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { type HostResolver, resolveHost } from '../rpc/acl/resolve.js';
import { MetricsServerError } from './errors.js';
import type { NodeMetrics } from './node-metrics.js';

/** A configured `--metrics-addr` / `metrics_addr`: host (IP or name) and port (0: any free one). */
export interface MetricsAddr {
  readonly host: string;
  readonly port: number;
  /** The option or config key it came from, named in errors. */
  readonly key?: string;
}

/** Where the server listens: one entry per bound socket, with the port the system gave for port 0. */
export interface MetricsListener {
  readonly host: string;
  readonly port: number;
}

export interface MetricsServer {
  readonly listeners: readonly MetricsListener[];
  /** Stop listening and end open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Bounds for a plain scrape endpoint: a scraper sends one small GET at a time, so slow or numerous
 * clients are cut early, never allowed to hold the descriptors the P2P layer needs.
 */
export const METRICS_SERVER_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 16,
} as const;

export interface MetricsServerOptions {
  readonly listen: readonly MetricsAddr[];
  readonly log: Logger;
  readonly resolve?: HostResolver;
}

/**
 * `Prometheus_app.Cohttp.callback` as octez-node serves it: `GET /metrics` is the exposition, anything
 * else a 400 "Bad request".
 */
function handler(metrics: NodeMetrics, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (e: unknown) => {
        log.error({ err: e }, 'metrics collection failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal error');
      },
    );
  };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function listenOn(server: Server, ip: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: ip, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * `metrics_serve` of octez-node: every address (a name resolved, each of its addresses bound). Unlike
 * Octez, which logs the failure and runs on without metrics, an address that cannot be resolved or
 * bound stops the start-up with `METRICS_LISTEN_FAILED`: asked-for metrics silently missing would be
 * found out only when a dashboard goes blank.
 */
export async function startMetricsServer(metrics: NodeMetrics, opts: MetricsServerOptions): Promise<MetricsServer> {
  const resolve = opts.resolve ?? resolveHost;
  const servers: Server[] = [];
  const listeners: MetricsListener[] = [];
  const closeAll = () => Promise.all(servers.map(close)).then(() => undefined);
  for (const { host, port, key } of opts.listen) {
    const where = `${key === undefined ? '' : `${key}: `}cannot serve metrics on ${host}:${port}`;
    const ips = await resolve(host);
    if (ips.length === 0) {
      await closeAll();
      throw new MetricsServerError('METRICS_LISTEN_FAILED', `${where}: the host has no address`);
    }
    for (const ip of ips) {
      const server = createServer(
        {
          headersTimeout: METRICS_SERVER_LIMITS.headersTimeoutMs,
          requestTimeout: METRICS_SERVER_LIMITS.requestTimeoutMs,
        },
        handler(metrics, opts.log),
      );
      server.maxConnections = METRICS_SERVER_LIMITS.maxConnections;
      servers.push(server);
      try {
        await listenOn(server, ip, port);
      } catch (e) {
        await closeAll();
        throw new MetricsServerError(
          'METRICS_LISTEN_FAILED',
          `${where}${ip === host ? '' : ` (${ip})`}: ${e instanceof Error ? e.message : String(e)}`,
          { cause: e },
        );
      }
      const listener = { host: ip, port: (server.address() as AddressInfo).port };
      listeners.push(listener);
      // Octez's `starting_metrics_server` event.
      opts.log.info(listener, `starting metrics server on ${ip.includes(':') ? `[${ip}]` : ip}:${listener.port}`);
    }
  }
  let closing: Promise<void> | undefined;
  return { listeners, close: () => (closing ??= closeAll()) };
}
