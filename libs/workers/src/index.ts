/**
 * @packageDocumentation
 * The workers of the P2P layer: the connect handler (accepting and refusing connections), the
 * per-connection protocol loop and answerers (Bootstrap, Advertise, Swap), the welcome worker
 * (listening socket), the maintenance, and LAN discovery; plus the limits with Octez's defaults.
 */
export {
  type P2pLimits,
  DEFAULT_LIMITS,
  LimitsError,
  resolveLimits,
  type MaintenanceBounds,
  maintenanceBounds,
  connectionsFromExpected,
} from './limits.js';
export { type MemoryBudgetLimits, memoryBudgets } from './memory-limits.js';
export { P2pError, type P2pErrorCode } from './errors.js';
export { type ThrottledKind } from './throttle.js';
export { P2pConn, type P2pConnOptions, type P2pConnReport, type Answerer } from './p2p-conn.js';
export { ConnectionSpan, type ConnectionDirection } from './connection-span.js';
export { DefaultAnswerer, PrivateAnswerer, type AnswererContext, type AnswererReport } from './answerer.js';
export {
  ConnectHandler,
  type ConnectHandlerConfig,
  type Dialer,
  tcpDialer,
  type ConnectHandlerHooks,
  type ConnectHandlerReport,
  type IncomingRefusal,
  type SessionTapFactory,
} from './connect-handler.js';
export { Maintenance, type MaintenanceOptions, type MaintenanceMotive, type MaintenanceReport } from './maintenance.js';
export { Welcome, WelcomeError, type WelcomeOptions } from './welcome.js';

export {
  countReports,
  observeConnections,
  type ObservedConnection,
  type RefusalReason,
  type GreylistingKind,
} from './metrics.js';
export * from './discovery/index.js';
