/**
 * @packageDocumentation
 * The tzp2p node as a library: settings from Octez options and config.json, a running node (identity,
 * P2P layer, RPC, echo), the /network RPC server, OpenTelemetry wiring, and the CLI program itself.
 */
export {
  type RunOptions,
  type NodeSettings,
  type RpcSettings,
  resolveSettings,
  resolveSettingsAsync,
  DEFAULT_DATA_DIR,
  DEFAULT_DISCOVERY_PORT,
} from './config/settings.js';
export { limitsFromJson } from './config/limits-json.js';
export { ConfigError } from './config/errors.js';
export { type ConfigFile, readConfigFile, parseConfig } from './config/config-file.js';
export {
  type HostPort,
  type BootstrapPoint,
  type DiscoveryAddr,
  DEFAULT_DISCOVERY_ADDR,
  parseHostPort,
  parseDiscoveryAddr,
  resolveDiscoveryAddr,
  resolvePeers,
} from './config/host-port.js';
export { type ListenAddr, resolveP2pListen } from './config/listen-addrs.js';
export {
  type LogOutput,
  type LogSettings,
  LOG_LEVELS,
  logOutputOf,
  logSettings,
  checkLogRules,
} from './config/log-config.js';
export { type NetworkArg, parseNetworkArg, loadNetworkFile, fetchNetwork } from './config/network-arg.js';
export {
  NETWORKS,
  type NetworkName,
  type NetworkDefinition,
  DEFAULT_P2P_PORT,
  DEFAULT_RPC_PORT,
  DEFAULT_METRICS_PORT,
} from './config/networks.js';
export { type RunningNode, type StartNodeOptions, startNode } from './node/start-node.js';
export { loadOrGenerate } from './node/identity-file.js';
export { runEcho } from './node/echo.js';
export * from './rpc/index.js';
export * from './telemetry/index.js';
export * from './metrics/index.js';
export { buildProgram } from './cli/program.js';
export { devnetRows, renderDevnetTable, type DevnetRow } from './cli/devnet-table.js';
