import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ReconnectionConfig } from '@tezos-p2p/pool';
import type { P2pLimits } from '@tezos-p2p/p2p';
import { type CliLimitOptions, applyCliLimits } from './cli-limits.js';
import { int, num } from './cli-numbers.js';
import { readConfigFile } from './config-file.js';
import type { ConfigFile, P2pConfigJson } from './config-json.js';
import { validateConfig } from './config-validation.js';
import { ConfigError } from './errors.js';
import { type DiscoveryAddr, parseDiscoveryAddr, parseHostPort, unusedPeerIdNote } from './host-port.js';
import { limitsFromJson } from './limits-json.js';
import type { ListenAddr } from './listen-addrs.js';
import { type LogOutput, logSettings } from './log-config.js';
import { metricsAddrs } from './metrics-addrs.js';
import { fetchNetwork, parseNetworkArg } from './network-arg.js';
import { chooseNetwork, configNetwork } from './network-choice.js';
import { DEFAULT_P2P_PORT, type NetworkDefinition } from './networks.js';
import { type RpcSettings, rpcSettings } from './rpc-settings.js';
import { keysWithoutEffect } from './without-effect.js';

export type { RpcSettings } from './rpc-settings.js';

/** The `run` command's options, as the CLI parser delivers them. */
export interface RunOptions extends CliLimitOptions {
  dataDir?: string;
  configFile?: string;
  netAddr?: string;
  advertisedNetPort?: string;
  discoveryAddr?: string;
  peer?: string[];
  bootstrapPeers?: boolean; // false with --no-bootstrap-peers
  privateMode?: boolean;
  expectedPow?: string;
  /** `--rpc-addr`, repeatable. */
  rpcAddr?: string | readonly string[];
  /** `--metrics-addr`, repeatable: replaces config.json `metrics_addr`. */
  metricsAddr?: string | readonly string[];
  /** A built-in network's name (any case), a network JSON file or an http(s) URL. */
  network?: string;
  chainName?: string;
  disableMempool?: boolean;
  echo?: boolean;
  logLevel?: string;
  otelConsole?: boolean;
  record?: string;
}

/** Everything a running node needs, resolved and validated. */
export interface NodeSettings {
  readonly dataDir: string;
  readonly identityFile: string;
  readonly peersFile: string;
  readonly chainName: string;
  /** Where to accept peers (a name is resolved at start-up, its first address used); undefined: nowhere. */
  readonly listen: ListenAddr | undefined;
  readonly advertisedPort: number | undefined;
  /** LAN discovery's broadcast address (a name is resolved at start-up), or undefined: off. */
  readonly discovery: DiscoveryAddr | undefined;
  /** Unresolved `host[:port][#id]` specs, config/network ones first, then `--peer`s. */
  readonly bootstrapPeers: readonly string[];
  readonly privateMode: boolean;
  readonly disableMempool: boolean;
  readonly disablePeerDiscovery: boolean;
  readonly expectedPow: number;
  readonly limits: Partial<P2pLimits>;
  readonly reconnection: Partial<ReconnectionConfig>;
  /**
   * The RPC server: every listen address (from `--rpc-addr`, `rpc.listen-addrs` and
   * `rpc.external-listen-addrs`) and the ACL entries of config.json `rpc.acl` (checked by the RPC
   * server's ACL module). undefined: no RPC server.
   */
  readonly rpc: RpcSettings | undefined;
  /** `--metrics-addr` or config.json `metrics_addr`: where `/metrics` is served (Prometheus text format). */
  readonly metricsAddrs: readonly ListenAddr[];
  readonly echo: boolean;
  /** A pino level. */
  readonly logLevel: string;
  readonly logOutput: LogOutput;
  readonly otelConsole: boolean;
  /** `--record DIR`: write every session as a conformance transcript there. */
  readonly record: string | undefined;
  /** What to tell the operator once at start-up: config keys accepted without effect, and the like. */
  readonly notes: readonly string[];
}

export const DEFAULT_DATA_DIR = join(homedir(), '.tzp2p');
export const DEFAULT_DISCOVERY_PORT = 10732;

const seconds = (x: number) => x * 1000;

function configPath(o: RunOptions, dataDir: string): string | undefined {
  if (o.configFile) return o.configFile;
  const p = join(dataDir, 'config.json');
  return existsSync(p) ? p : undefined;
}

/**
 * `p2p` absent: Octez's `default_p2p`, listening on `[::]:9732`. `p2p` present without `listen-addr`
 * (an `opt` field): Octez does not listen, and announces port 0 (unless `advertised-net-port` says).
 */
function listenAddr(o: RunOptions, cfg: ConfigFile): ListenAddr | undefined {
  const key = o.netAddr !== undefined ? '--net-addr' : 'p2p.listen-addr';
  const text = o.netAddr ?? (cfg.p2p === undefined ? `[::]:${DEFAULT_P2P_PORT}` : cfg.p2p['listen-addr']);
  return text === undefined ? undefined : { ...parseHostPort(text, DEFAULT_P2P_PORT, key), key };
}

function reconnection(g: P2pConfigJson['greylisting_config'] = {}): Partial<ReconnectionConfig> {
  return {
    ...(g.factor !== undefined ? { factor: g.factor } : {}),
    ...(g['initial-delay'] !== undefined ? { initialDelayMs: seconds(g['initial-delay']) } : {}),
    ...(g['disconnection-delay'] !== undefined ? { disconnectionDelayMs: seconds(g['disconnection-delay']) } : {}),
    ...(g['increase-cap'] !== undefined ? { increaseCapMs: seconds(g['increase-cap']) } : {}),
  };
}

function startupNotes(
  cfg: ConfigFile,
  log: LogOutput,
  metrics: ReturnType<typeof metricsAddrs>,
  validationOff: boolean,
): string[] {
  // Octez warns too (`disabled_config_validation`, node_run_command.ml).
  const notes: string[] = validationOff ? ['disabled node configuration validation'] : [];
  const idle = keysWithoutEffect(cfg);
  if (idle.length > 0) notes.push(`config.json keys accepted without effect: ${idle.join(', ')}`);
  if (log.kind === 'syslog')
    notes.push(`log.output syslog:${log.facility}: syslog is not supported here, logging to stderr`);
  if (metrics.unusable.length > 0)
    notes.push(`${metrics.key}: not an address, set aside as Octez does: ${metrics.unusable.join(', ')}`);
  return notes;
}

/**
 * Merge config.json, the network's defaults and the command line, in octez-node's precedence. A
 * `--network` URL must be fetched first: use `resolveSettingsAsync`, or pass the network it gave.
 */
export function resolveSettings(o: RunOptions, fetchedNetwork?: NetworkDefinition): NodeSettings {
  let dataDir = o.dataDir ?? DEFAULT_DATA_DIR;
  const path = configPath(o, dataDir);
  const cfg: ConfigFile = path ? readConfigFile(path) : {};
  if (!o.dataDir && cfg['data-dir']) dataDir = cfg['data-dir'];
  const p2p = cfg.p2p ?? {};

  const network = chooseNetwork(o.network, configNetwork(cfg.network), dataDir, fetchedNetwork);
  if (o.chainName !== undefined && o.chainName.length === 0)
    throw new ConfigError('--chain-name', 'a non-empty chain name');
  const discoveryText = o.discoveryAddr ?? p2p['discovery-addr'] ?? undefined;
  const discovery =
    discoveryText === undefined
      ? undefined
      : parseDiscoveryAddr(
          discoveryText,
          DEFAULT_DISCOVERY_PORT,
          o.discoveryAddr !== undefined ? '--discovery-addr' : 'p2p.discovery-addr',
        );
  const configPeers = p2p['bootstrap-peers'] ?? network.bootstrapPeers;

  const limits = applyCliLimits(limitsFromJson(p2p.limits), o);
  const cliPow = num(o.expectedPow, '--expected-pow', 0, 256);
  const expectedPow = cliPow ?? p2p['expected-proof-of-work'] ?? 26;
  // Either the flag or the config key turns Octez's Config_validation off (`Config_file.update`).
  const validationOff = (o.disableConfigValidation ?? false) || (cfg['disable-config-validation'] ?? false);
  if (!validationOff)
    validateConfig(expectedPow, cliPow !== undefined ? '--expected-pow' : 'p2p.expected-proof-of-work', limits);

  const log = logSettings(cfg.log, o.logLevel, cfg['internal-events'] !== undefined);
  const listen = listenAddr(o, cfg);
  const rpc = rpcSettings(o.rpcAddr, cfg.rpc);
  const metrics = metricsAddrs(o.metricsAddr, cfg.metrics_addr ?? []);
  return {
    dataDir,
    identityFile: join(dataDir, 'identity.json'),
    peersFile: join(dataDir, 'peers.json'),
    chainName: o.chainName ?? network.chainName,
    listen,
    advertisedPort: int(o.advertisedNetPort, '--advertised-net-port', 1, 65535) ?? p2p['advertised-net-port'],
    discovery,
    bootstrapPeers: [...(o.bootstrapPeers === false ? [] : configPeers), ...(o.peer ?? [])],
    privateMode: (o.privateMode ?? false) || (p2p['private-mode'] ?? false),
    disableMempool: (o.disableMempool ?? false) || (p2p.disable_mempool ?? false),
    disablePeerDiscovery: p2p.disable_peer_discovery ?? false,
    expectedPow,
    limits,
    reconnection: reconnection(p2p.greylisting_config),
    rpc,
    metricsAddrs: metrics.addrs,
    echo: o.echo ?? false,
    logLevel: log.level,
    logOutput: log.output,
    otelConsole: o.otelConsole ?? false,
    record: o.record,
    notes: [
      ...startupNotes(cfg, log.output, metrics, validationOff),
      ...unusedPeerIdNote(listen?.key ?? '', listen),
      ...unusedPeerIdNote(discovery?.key ?? '', discovery),
      ...(rpc?.listen ?? []).flatMap((a) => unusedPeerIdNote(a.key ?? 'rpc', a)),
    ],
  };
}

/** `resolveSettings`, first downloading the network description when `--network` is a URL. */
export async function resolveSettingsAsync(o: RunOptions): Promise<NodeSettings> {
  const arg = o.network !== undefined ? parseNetworkArg(o.network) : undefined;
  return resolveSettings(o, arg?.kind === 'url' ? await fetchNetwork(arg.url) : undefined);
}
