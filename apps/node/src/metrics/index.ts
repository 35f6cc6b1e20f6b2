export { AppMessageTally } from './app-messages.js';
export { MetricsServerError, type MetricsServerErrorCode } from './errors.js';
export { NodeMetrics } from './node-metrics.js';
export { OCTEZ_P2P_COUNTERS, OCTEZ_P2P_GAUGES, type OctezMetric } from './octez-table.js';
export { type ObservedP2p } from './octez-state.js';
export { HANDSHAKE_BUCKETS_SECONDS, OWN_METRICS } from './own-metrics.js';
export {
  METRICS_SERVER_LIMITS,
  type MetricsAddr,
  type MetricsListener,
  type MetricsServer,
  type MetricsServerOptions,
  startMetricsServer,
} from './server.js';
