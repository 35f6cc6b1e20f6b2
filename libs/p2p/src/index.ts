/**
 * @packageDocumentation
 * The P2P layer for upper layers: `createP2p(config, limits, params)` returns a running node-side P2P
 * layer, generic over the application messages and the peer and connection metadata.
 */
export { P2p, createP2p, type P2pConnection } from './p2p.js';
export { type P2pConfig, type P2pParams, type P2pRuntime } from './config.js';
export type { SessionTapFactory } from '@tezos-p2p/workers';
export type { SessionTap, SessionTapHook } from '@tezos-p2p/connection';
export { rawMessageParams } from './params.js';
export {
  type P2pLimits,
  DEFAULT_LIMITS,
  resolveLimits,
  connectionsFromExpected,
  maintenanceBounds,
  P2pError,
  type P2pErrorCode,
  type P2pConn,
} from '@tezos-p2p/workers';
