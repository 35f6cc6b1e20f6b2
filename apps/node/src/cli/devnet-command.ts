import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '@tezos-p2p/p2p';
import { UI_PREFIX } from '@tezos-p2p/web';
import { type Subscription, auditTime, config as rxjsConfig, interval, merge } from 'rxjs';
import { ConfigError } from '../config/errors.js';
import { NETWORKS } from '../config/networks.js';
import type { NodeSettings } from '../config/settings.js';
import { type RunningNode, startNode } from '../node/start-node.js';
import { startTelemetry, telemetryOptionsFromEnv } from '../telemetry/index.js';
import { devnetRoutes } from './devnet-api.js';
import { DevnetMembers } from './devnet-members.js';
import { devnetRows, renderDevnetTable } from './devnet-table.js';
import { createLogger } from './logger.js';
import { aborted, stopOnSignals } from './stop-signals.js';

export interface DevnetOptions {
  readonly nodes?: string;
  readonly dataDir?: string;
  readonly basePort?: string;
  readonly rpcBasePort?: string;
  readonly metricsBasePort?: string;
  readonly host?: string;
  readonly expectedPow?: string;
  readonly echo?: boolean;
  readonly json?: boolean;
  readonly exitAfter?: string;
  readonly fresh?: boolean;
  readonly logLevel?: string;
}

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Events closer together than this make one redraw. */
const REDRAW_COALESCE_MS = 100;
/** How often a terminal's byte counters are refreshed. */
const BYTES_REFRESH_MS = 1_000;

export const DEVNET_DEFAULTS = {
  nodes: 4,
  basePort: 19732,
  rpcBasePort: 18732,
  host: '127.0.0.1',
  expectedPow: 0,
  dataDir: join(tmpdir(), 'tzp2p-devnet'),
} as const;
/** Above this many nodes the devnet stops being a full mesh (each node keeps 8 connections). */
const FULL_MESH_MAX = 9;

function intOption(text: string | undefined, key: string, min: number, max: number, dflt: number): number {
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new ConfigError(key, `an integer in [${min}, ${max}]`, text);
  return n;
}

/**
 * Limits of a devnet node: with up to 9 nodes, each keeps a connection to every other one (the
 * maintenance reaches for all of them); beyond, 8 each, with room for the incoming surplus. Every
 * node dials from the one host address, so the per-address cap on pending handshakes is lifted to
 * the global one: at start-up more than 4 of them may reach one node at once.
 */
/** How long a devnet node waits before re-dialling a point it was disconnected from. */
const DEVNET_DISCONNECTION_DELAY_MS = 2_000;

function devnetLimits(nodes: number): NodeSettings['limits'] {
  const k = Math.max(1, Math.min(nodes - 1, FULL_MESH_MAX - 1));
  return {
    minConnections: k,
    expectedConnections: k,
    maxConnections: 2 * k + 2,
    maxKnownPoints: null,
    maxKnownPeerIds: null,
    maxIncomingConnectionsPerAddress: DEFAULT_LIMITS.maxIncomingConnections,
  };
}

/**
 * `tzp2p devnet`: N nodes on loopback in this process. Node 0 starts first and is every other node's
 * bootstrap peer; the others learn of each other through it (Bootstrap / Advertise) and connect. A
 * table of each node's connections is redrawn on every change until Ctrl-C (or `--exit-after`).
 */
export async function devnetCommand(o: DevnetOptions, out: NodeJS.WriteStream = process.stdout): Promise<void> {
  const count = intOption(o.nodes, '--nodes', 1, 100, DEVNET_DEFAULTS.nodes);
  const basePort = intOption(o.basePort, '--base-port', 0, 65535 - count, DEVNET_DEFAULTS.basePort);
  const rpcBasePort = intOption(o.rpcBasePort, '--rpc-base-port', 0, 65535 - count, DEVNET_DEFAULTS.rpcBasePort);
  const metricsBasePort =
    o.metricsBasePort === undefined
      ? undefined
      : intOption(o.metricsBasePort, '--metrics-base-port', 0, 65535 - count, 0);
  const expectedPow = intOption(o.expectedPow, '--expected-pow', 0, 40, DEVNET_DEFAULTS.expectedPow);
  const exitAfter = o.exitAfter === undefined ? undefined : intOption(o.exitAfter, '--exit-after', 1, 86_400, 0);
  const host = o.host ?? DEVNET_DEFAULTS.host;
  const dataDir = o.dataDir ?? DEVNET_DEFAULTS.dataDir;
  if (o.fresh) rmSync(dataDir, { recursive: true, force: true });
  const logFile = join(dataDir, 'devnet.log');
  const log = createLogger(o.logLevel ?? 'info', logFile);
  rxjsConfig.onUnhandledError = (err) => log.error({ err }, 'unhandled error in an event subscriber');
  const telemetry = startTelemetry(telemetryOptionsFromEnv(process.env, {}));
  const stop = stopOnSignals();
  const running: RunningNode[] = [];
  const members = new DevnetMembers();
  const views = members.nodes;
  let redraws: Subscription | undefined;
  try {
    for (let i = 0; i < count; i++) {
      const seed = views[0];
      const settings: NodeSettings = {
        dataDir: join(dataDir, `node-${i}`),
        identityFile: join(dataDir, `node-${i}`, 'identity.json'),
        peersFile: join(dataDir, `node-${i}`, 'peers.json'),
        chainName: NETWORKS.sandbox.chainName,
        listen: { host, port: basePort === 0 ? 0 : basePort + i },
        advertisedPort: undefined,
        discovery: undefined,
        bootstrapPeers: seed ? [`${seed.p2pAddr}#${seed.p2p.peerId}`] : [],
        privateMode: false,
        disableMempool: false,
        disablePeerDiscovery: false,
        expectedPow,
        limits: devnetLimits(count),
        // Two devnet nodes dialling each other at once both fail (Already_connected) and, with Octez's
        // 60 s disconnection delay, would wait a minute before retrying: on loopback a few seconds do.
        reconnection: { disconnectionDelayMs: DEVNET_DISCONNECTION_DELAY_MS },
        rpc: { listen: [{ host, port: rpcBasePort === 0 ? 0 : rpcBasePort + i }], acl: [] },
        metricsAddrs:
          metricsBasePort === undefined
            ? []
            : [{ host, port: metricsBasePort === 0 ? 0 : metricsBasePort + i, key: '--metrics-base-port' }],
        echo: o.echo ?? false,
        logLevel: o.logLevel ?? 'info',
        logOutput: { kind: 'file', path: logFile },
        otelConsole: false,
        record: undefined,
        notes: [],
      };
      // Node 0's RPC also serves the whole devnet to the web view (`/ui/?devnet`).
      const node = await startNode(settings, {
        log: log.child({ node: i }),
        signal: stop.signal,
        ...(i === 0 ? { rpcExtensions: [devnetRoutes(members)] } : {}),
      });
      running.push(node);
      const addr = hostPort(host, node.p2p.listeningPort ?? 0);
      members.add({
        index: i,
        p2p: node.p2p,
        p2pAddr: addr,
        rpcAddr: node.rpc ? `http://${host.includes(':') ? `[${host}]` : host}:${node.rpc.port}` : undefined,
      });
    }

    const ui = views[0]?.rpcAddr === undefined ? undefined : `${views[0].rpcAddr}${UI_PREFIX}?devnet`;
    // Prometheus scrape targets, one per node, in node order (docs/OBSERVABILITY.md).
    const metrics = running.flatMap((n) => (n.metrics?.listeners ?? []).map((l) => hostPort(l.host, l.port)));
    const footer = `${ui ? `web view: ${ui}\n` : ''}${metrics.length > 0 ? `metrics: ${metrics.join(' ')}\n` : ''}`;
    let last = '';
    const draw = () => {
      const rows = devnetRows(views);
      const key = JSON.stringify(rows.map((r) => [r.connected_to, r.incoming, r.outgoing]));
      if (o.json) {
        if (key !== last)
          out.write(JSON.stringify({ time: new Date().toISOString(), ui: ui ?? null, metrics, nodes: rows }) + '\n');
      } else if (out.isTTY) {
        out.write(
          `\x1b[H\x1b[2J${renderDevnetTable(rows, true)}\n${count} nodes on ${host} (chain ${NETWORKS.sandbox.chainName}); logs: ${logFile}; Ctrl-C stops\n${footer}`,
        );
      } else if (key !== last) {
        out.write(`${renderDevnetTable(rows)}\n${footer}`);
      }
      last = key;
    };
    draw();
    // The topology changes only with the nodes' events: redraw on them (at most every 100 ms). A
    // terminal also shows the byte counters, which move without any event: it is refreshed each second.
    const changes = merge(
      ...views.map((v) => v.p2p.events$),
      ...(out.isTTY && !o.json ? [interval(BYTES_REFRESH_MS)] : []),
    );
    redraws = changes.pipe(auditTime(REDRAW_COALESCE_MS)).subscribe(draw);
    await aborted(
      exitAfter === undefined ? stop.signal : AbortSignal.any([stop.signal, AbortSignal.timeout(exitAfter * 1000)]),
    );
    redraws.unsubscribe();
    draw();
  } finally {
    redraws?.unsubscribe();
    members.close();
    // Reverse order: the seed goes last, so the others' peers.json still list it.
    for (const node of running.reverse()) await node.stop();
    await telemetry.shutdown();
    stop.dispose();
  }
}
