import { EventBus } from '@tezos-p2p/events';
import { createP2p, rawMessageParams } from '@tezos-p2p/p2p';
import { pointToString } from '@tezos-p2p/wire';
import type { Logger } from 'pino';
import { DEFAULT_P2P_PORT } from '../config/networks.js';
import { resolveDiscoveryAddr, resolvePeers } from '../config/host-port.js';
import { resolveP2pListen } from '../config/listen-addrs.js';
import type { NodeSettings } from '../config/settings.js';
import { AppMessageTally, type MetricsServer, NodeMetrics, startMetricsServer } from '../metrics/index.js';
import { type NodeP2p, type RpcExtension, type RpcServer, startRpcServer } from '../rpc/index.js';
import { runDrain } from './drain.js';
import { runEcho } from './echo.js';
import { ensureDataDir, loadOrGenerate } from './identity-file.js';
import { logEvent, logReport } from './log-levels.js';
import { SessionRecordings } from './recording.js';

export interface RunningNode {
  readonly p2p: NodeP2p;
  readonly rpc: RpcServer | undefined;
  /** The `/metrics` server (`--metrics-addr`, config.json `metrics_addr`); its listeners give the bound ports. */
  readonly metrics: MetricsServer | undefined;
  /** Stop in Octez's order: RPC and metrics, application loop, then the P2P layer (which saves peers.json and closes every connection). Idempotent. */
  stop(): Promise<void>;
}

export interface StartNodeOptions {
  readonly log: Logger;
  /** Cancels identity generation and start-up. */
  readonly signal?: AbortSignal;
  /** LAN discovery trusts what it finds (Octez does so in sandbox mode); the devnet uses it. */
  readonly trustDiscoveredPeers?: boolean;
  /** Routes added to the RPC server (the devnet's aggregated endpoints on node 0). */
  readonly rpcExtensions?: readonly RpcExtension[];
}

/** `octez-node run`, P2P part: identity, the P2P layer with its workers, the RPC server, and `--echo`. */
export async function startNode(settings: NodeSettings, opts: StartNodeOptions): Promise<RunningNode> {
  const { log } = opts;
  for (const note of settings.notes) log.warn(note);
  // Resolved before the identity's proof of work: a name that resolves nowhere fails at once.
  const listen = settings.listen ? await resolveP2pListen(settings.listen) : undefined;
  ensureDataDir(settings.dataDir);
  const { identity, generated } = await loadOrGenerate(
    settings.identityFile,
    settings.expectedPow,
    () =>
      log.info({ file: settings.identityFile, difficulty: settings.expectedPow }, 'no identity found, generating one'),
    opts.signal,
  );
  if (generated) log.info({ peer_id: identity.peerId, file: settings.identityFile }, 'identity generated');
  // Octez resolves the discovery address before the bootstrap peers (`init_node`).
  const discovery = settings.discovery ? await resolveDiscoveryAddr(settings.discovery, (m) => log.warn(m)) : undefined;
  const trustedPoints = await resolvePeers(settings.bootstrapPeers, DEFAULT_P2P_PORT, (m) => log.warn(m));
  const recordings =
    settings.record !== undefined
      ? new SessionRecordings(settings.record, log.child({ component: 'record' }))
      : undefined;

  // Subscribed before the layer starts, so that no line of its start-up is missed.
  const bus = new EventBus();
  const lines = [bus.reports$.subscribe((r) => logReport(log, r)), bus.events$.subscribe((e) => logEvent(log, e))];
  // Metrics follow the bus from before the layer starts too, so that they count its first handshakes.
  const nodeMetrics = settings.metricsAddrs.length > 0 ? new NodeMetrics(bus) : undefined;
  const events = {
    unsubscribe: () => {
      lines.forEach((l) => l.unsubscribe());
      nodeMetrics?.close();
    },
  };
  const p2p = (await createP2p(
    {
      identity,
      // No listening address: no incoming connections, and port 0 announced (unless advertised).
      ...(listen ? { listenAddr: listen.host, listeningPort: listen.port } : {}),
      ...(settings.advertisedPort !== undefined ? { advertisedPort: settings.advertisedPort } : {}),
      ...(discovery ? { discoveryAddr: discovery.host, discoveryPort: discovery.port } : {}),
      trustedPoints,
      peersFile: settings.peersFile,
      privateMode: settings.privateMode,
      expectedProofOfWork: settings.expectedPow,
      reconnection: settings.reconnection,
      disablePeerDiscovery: settings.disablePeerDiscovery,
      trustDiscoveredPeers: opts.trustDiscoveredPeers ?? false,
      ...(recordings ? { sessionTap: recordings.tapFor } : {}),
    },
    settings.limits,
    rawMessageParams(settings.chainName, {
      privateMode: settings.privateMode,
      disableMempool: settings.disableMempool,
    }),
    { bus },
  )) as NodeP2p;

  const tally = new AppMessageTally();
  nodeMetrics?.observe(p2p, tally);
  let metrics: MetricsServer | undefined;
  let rpc: RpcServer | undefined;
  try {
    // Before the RPC, as Octez starts its metrics server before `init_rpc`.
    metrics = nodeMetrics
      ? await startMetricsServer(nodeMetrics, {
          listen: settings.metricsAddrs,
          log: log.child({ component: 'metrics' }),
        })
      : undefined;
    rpc = settings.rpc
      ? await startRpcServer(p2p, {
          listen: settings.rpc.listen,
          acl: settings.rpc.acl,
          ...(settings.rpc.maxConnections !== undefined
            ? { limits: { maxConnections: settings.rpc.maxConnections } }
            : {}),
          logger: log.child({ component: 'rpc' }),
          ...(opts.rpcExtensions ? { extensions: opts.rpcExtensions } : {}),
        })
      : undefined;
  } catch (e) {
    await metrics?.close();
    events.unsubscribe();
    await p2p.stop();
    await recordings?.close();
    throw e;
  }

  // The application side: `--echo`, or else nothing to consume application messages, which are then
  // dropped as they come rather than left to fill every connection's share of the memory budget.
  const appStop = new AbortController();
  const drain = settings.echo ? undefined : runDrain(p2p, appStop.signal, log, tally);
  const app = (settings.echo ? runEcho(p2p, appStop.signal, log, tally) : drain!.done).catch((e: unknown) =>
    log.error({ err: e }, settings.echo ? 'echo loop failed' : 'drain loop failed'),
  );

  log.info(
    {
      peer_id: identity.peerId,
      chain_name: settings.chainName,
      listen:
        listen && p2p.listeningPort !== undefined ? pointToString({ ip: listen.host, port: p2p.listeningPort }) : null,
      // The first address, as `host:port` (brackets around IPv6), then every one of them.
      rpc: rpc ? pointToString({ ip: rpc.listeners[0]!.host, port: rpc.port }) : null,
      rpc_addrs: rpc ? rpc.listeners.map((l) => pointToString({ ip: l.host, port: l.port })) : [],
      metrics_addrs: metrics ? metrics.listeners.map((l) => pointToString({ ip: l.host, port: l.port })) : [],
      bootstrap_points: trustedPoints.length,
      private_mode: settings.privateMode,
      record: settings.record ?? null,
    },
    'node started',
  );

  let stopping: Promise<void> | undefined;
  return {
    p2p,
    rpc,
    metrics,
    stop: () =>
      (stopping ??= (async () => {
        await rpc?.close();
        await metrics?.close();
        appStop.abort();
        await p2p.stop();
        await app;
        await recordings?.close();
        events.unsubscribe();
        const dropped = drain?.dropped();
        log.info(
          {
            peers_file: settings.peersFile,
            ...(dropped ? { app_messages_dropped: dropped.messages, app_bytes_dropped: dropped.bytes } : {}),
          },
          'node stopped',
        );
      })()),
  };
}
