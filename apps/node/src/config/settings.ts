import { homedir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import type { ReconnectionConfig } from '@tezos-p2p/pool';
import { type P2pLimits, connectionsFromExpected } from '@tezos-p2p/p2p';
import { type ConfigFile, readConfigFile } from './config-file.js';
import { ConfigError } from './errors.js';
import { type DiscoveryAddr, type HostPort, parseDiscoveryAddr, parseHostPort } from './host-port.js';
import type { RpcAclJson } from '../rpc/acl/json.js';
import { DEFAULT_P2P_PORT, DEFAULT_RPC_PORT, NETWORKS, isNetworkName } from './networks.js';

/** The `run` command's options, as the CLI parser delivers them. */
export interface RunOptions {
  dataDir?: string;
  configFile?: string;
  netAddr?: string;
  advertisedNetPort?: string;
  discoveryAddr?: string;
  peer?: string[];
  bootstrapPeers?: boolean; // false with --no-bootstrap-peers
  privateMode?: boolean;
  connections?: string;
  peerTableSize?: string;
  expectedPow?: string;
  rpcAddr?: string;
  network?: string;
  chainName?: string;
  maxDownloadSpeed?: string;
  maxUploadSpeed?: string;
  binaryChunksSize?: string;
  disableP2pMaintenance?: boolean;
  disableP2pSwap?: boolean;
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
  readonly listen: HostPort | undefined;
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
   * The RPC server: every listen address (from `--rpc-addr` or `rpc.listen-addrs`) and the ACL entries
   * of config.json `rpc.acl` (checked by the RPC server's ACL module). undefined: no RPC server.
   */
  readonly rpc: RpcSettings | undefined;
  readonly echo: boolean;
  readonly logLevel: string;
  readonly otelConsole: boolean;
  /** `--record DIR`: write every session as a conformance transcript there. */
  readonly record: string | undefined;
  /** Config keys accepted for compatibility but without effect here, to report at start-up. */
  readonly notes: readonly string[];
}

export interface RpcSettings {
  readonly listen: readonly HostPort[];
  readonly acl: readonly RpcAclJson[];
}

export const DEFAULT_DATA_DIR = join(homedir(), '.tzp2p');
export const DEFAULT_DISCOVERY_PORT = 10732;

function int(value: string | undefined, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new ConfigError(key, `an integer in [${min}, ${max}]`, value);
  const n = Number(value);
  if (n < min || n > max) throw new ConfigError(key, `an integer in [${min}, ${max}]`, n);
  return n;
}

function num(value: string | undefined, key: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new ConfigError(key, `a number in [${min}, ${max}]`, value);
  return n;
}

const s = (x: unknown) => (x as number) * 1000;
type MutableLimits = { -readonly [K in keyof P2pLimits]?: P2pLimits[K] };
const UNBOUNDED = 2 ** 31 - 1;

/**
 * config.json `p2p.limits` → `P2pLimits`. When `limits` is present, absent keys take their encoding
 * defaults, with two Octez quirks kept: `connection-timeout` then defaults to 5 s (Q1), and absent
 * `max_known_points` / `max_known_peer_ids` mean no GC (Q3). The shifted queue keys (Q2) are read by
 * their names, not shifted (docs/CONFORMANCE.md).
 */
export function limitsFromJson(l: Record<string, unknown> | undefined, notes: string[]): Partial<P2pLimits> {
  if (l === undefined) return {};
  const out: Record<string, unknown> = { connectionTimeoutMs: 5000, maxKnownPoints: null, maxKnownPeerIds: null };
  const set = (key: string, field: keyof P2pLimits, f: (v: unknown) => unknown = (v) => v) => {
    if (l[key] !== undefined) out[field] = f(l[key]);
  };
  set('connection-timeout', 'connectionTimeoutMs', s);
  set('authentication-timeout', 'authenticationTimeoutMs', s);
  set('min-connections', 'minConnections');
  set('expected-connections', 'expectedConnections');
  set('max-connections', 'maxConnections');
  set('backlog', 'backlog');
  set('max-incoming-connections', 'maxIncomingConnections');
  set('max-download-speed', 'maxDownloadSpeed', (v) => (v as number) * 1024);
  set('max-upload-speed', 'maxUploadSpeed', (v) => (v as number) * 1024);
  set('swap-linger', 'swapLingerMs', (v) => (v === null ? null : s(v)));
  set('read-queue-size', 'readQueueSize', (v) => (v === null ? UNBOUNDED : v));
  set('incoming-message-queue-size', 'readQueueSize', (v) => (v === null ? UNBOUNDED : v));
  set('write-queue-size', 'writeQueueSize', (v) => (v === null ? UNBOUNDED : v));
  set('outgoing-message-queue-size', 'writeQueueSize', (v) => (v === null ? UNBOUNDED : v));
  set('incoming-app-message-queue-size', 'incomingAppMessageQueueSize', (v) => (v === null ? UNBOUNDED : v));
  set('max_known_points', 'maxKnownPoints', (v) => ({ max: (v as number[])[0], target: (v as number[])[1] }));
  set('max_known_peer_ids', 'maxKnownPeerIds', (v) => ({ max: (v as number[])[0], target: (v as number[])[1] }));
  set('peer_greylist_size', 'peerGreylistSize');
  set('ip_greylist_size_in_kilobytes', 'ipGreylistSizeInKilobytes');
  set('ip_greylist_cleanup_delay', 'ipGreylistCleanupDelayMs', s);
  set('maintenance-idle-time', 'maintenanceIdleTimeMs', (v) => (v === null ? null : s(v)));
  if (l['binary-chunks-size'] !== undefined) notes.push('p2p.limits.binary-chunks-size is ignored unless --binary-chunks-size is given (as octez-node run)');
  if (l['read-buffer-size'] !== undefined) notes.push('p2p.limits.read-buffer-size has no effect: sockets deliver what the kernel has (up to 64 KiB)');
  if (l['greylist-timeout'] !== undefined) notes.push('p2p.limits.greylist-timeout has no effect (unused by Octez too)');
  return out as Partial<P2pLimits>;
}

function configPath(o: RunOptions, dataDir: string): string | undefined {
  if (o.configFile) return o.configFile;
  const p = join(dataDir, 'config.json');
  return existsSync(p) ? p : undefined;
}

/** Merge config.json, the network's defaults and the command line, in octez-node's precedence. */
export function resolveSettings(o: RunOptions): NodeSettings {
  const notes: string[] = [];
  let dataDir = o.dataDir ?? DEFAULT_DATA_DIR;
  const path = configPath(o, dataDir);
  const cfg: ConfigFile = path ? readConfigFile(path) : {};
  if (!o.dataDir && cfg['data-dir']) dataDir = cfg['data-dir'];
  const p2p = cfg.p2p ?? {};

  const networkName = o.network ?? (typeof cfg.network === 'string' ? cfg.network : undefined) ?? 'mainnet';
  let chainName: string;
  let networkPeers: readonly string[];
  if (typeof cfg.network === 'object' && o.network === undefined) {
    chainName = cfg.network.chain_name;
    networkPeers = cfg.network.default_bootstrap_peers ?? [];
  } else {
    if (!isNetworkName(networkName)) throw new ConfigError(o.network !== undefined ? '--network' : 'network', `one of ${Object.keys(NETWORKS).join(', ')}`, networkName);
    chainName = NETWORKS[networkName].chainName;
    networkPeers = NETWORKS[networkName].bootstrapPeers;
  }
  if (o.chainName !== undefined) {
    if (o.chainName.length === 0) throw new ConfigError('--chain-name', 'a non-empty chain name');
    chainName = o.chainName;
  }

  const listenText = o.netAddr ?? (p2p['listen-addr'] === null ? undefined : (p2p['listen-addr'] ?? `[::]:${DEFAULT_P2P_PORT}`));
  const listen = listenText === undefined ? undefined : parseHostPort(listenText, DEFAULT_P2P_PORT, o.netAddr !== undefined ? '--net-addr' : 'p2p.listen-addr');
  const advertisedPort = int(o.advertisedNetPort, '--advertised-net-port', 1, 65535) ?? p2p['advertised-net-port'];
  const discoveryText = o.discoveryAddr ?? p2p['discovery-addr'] ?? undefined;
  const discovery = discoveryText === undefined || discoveryText === null ? undefined : parseDiscoveryAddr(discoveryText, DEFAULT_DISCOVERY_PORT, o.discoveryAddr !== undefined ? '--discovery-addr' : 'p2p.discovery-addr');

  const configPeers = p2p['bootstrap-peers'] ?? networkPeers;
  const bootstrapPeers = [...(o.bootstrapPeers === false ? [] : configPeers), ...(o.peer ?? [])];

  const limits: MutableLimits = { ...limitsFromJson(p2p.limits, notes) };
  const n = int(o.connections, '--connections', 1, 100);
  if (n !== undefined) {
    Object.assign(limits, connectionsFromExpected(n));
    if (o.peerTableSize === undefined) limits.maxKnownPoints = limits.maxKnownPeerIds = { max: 8 * n, target: Math.floor((8 * n) / 4) * 3 };
  }
  const table = int(o.peerTableSize, '--peer-table-size', 1, 65535);
  if (table !== undefined) limits.maxKnownPoints = limits.maxKnownPeerIds = { max: table, target: Math.floor(table / 4) * 3 };
  const down = int(o.maxDownloadSpeed, '--max-download-speed', 1, 2 ** 30);
  if (down !== undefined) limits.maxDownloadSpeed = down * 1024;
  const up = int(o.maxUploadSpeed, '--max-upload-speed', 1, 2 ** 30);
  if (up !== undefined) limits.maxUploadSpeed = up * 1024;
  const chunks = int(o.binaryChunksSize, '--binary-chunks-size', 1, 63);
  if (chunks !== undefined) limits.binaryChunksSize = chunks << 10;
  if (o.disableP2pMaintenance) limits.maintenanceIdleTimeMs = null;
  if (o.disableP2pSwap) limits.swapLingerMs = null;

  const g = p2p.greylisting_config ?? {};
  const reconnection: Partial<ReconnectionConfig> = {
    ...(g.factor !== undefined ? { factor: g.factor } : {}),
    ...(g['initial-delay'] !== undefined ? { initialDelayMs: s(g['initial-delay']) } : {}),
    ...(g['disconnection-delay'] !== undefined ? { disconnectionDelayMs: s(g['disconnection-delay']) } : {}),
    ...(g['increase-cap'] !== undefined ? { increaseCapMs: s(g['increase-cap']) } : {}),
  };

  const rpcTexts = o.rpcAddr !== undefined ? [o.rpcAddr] : (cfg.rpc?.['listen-addrs'] ?? []);
  const rpcKey = o.rpcAddr !== undefined ? '--rpc-addr' : 'rpc.listen-addrs';
  const rpc: RpcSettings | undefined =
    rpcTexts.length === 0 ? undefined : { listen: rpcTexts.map((t) => parseHostPort(t, DEFAULT_RPC_PORT, rpcKey)), acl: cfg.rpc?.acl ?? [] };
  const logLevel = o.logLevel ?? cfg.log?.level ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace'].includes(logLevel)) throw new ConfigError('--log-level', 'one of fatal, error, warn, info, debug, trace', logLevel);

  return {
    dataDir,
    identityFile: join(dataDir, 'identity.json'),
    peersFile: join(dataDir, 'peers.json'),
    chainName,
    listen,
    advertisedPort,
    discovery,
    bootstrapPeers,
    privateMode: (o.privateMode ?? false) || (p2p['private-mode'] ?? false),
    disableMempool: (o.disableMempool ?? false) || (p2p.disable_mempool ?? false),
    disablePeerDiscovery: p2p.disable_peer_discovery ?? false,
    expectedPow: num(o.expectedPow, '--expected-pow', 0, 256) ?? p2p['expected-proof-of-work'] ?? 26,
    limits,
    reconnection,
    rpc,
    echo: o.echo ?? false,
    logLevel,
    otelConsole: o.otelConsole ?? false,
    record: o.record,
    notes,
  };
}
