/**
 * The node's HTTP RPC server: Octez's `/network` directory (events-rpc.md §3) over fastify, with
 * Octez's JSON shapes, streamed logs and error traces.
 */
export { startRpcServer } from './server.js';
export { type NodeP2p, type RpcListener, type RpcServer, type RpcServerOptions } from './types.js';
export { type ListenAddr } from './listen.js';
export { type RpcExtension } from './extension.js';
export { type RouteContext, sendJson } from './context.js';
export { type Abort, type LineSource } from './streams.js';
export { observableLines } from './observable-lines.js';
export {
  AclError,
  type AclErrorCode,
  type AclPolicyType,
  type RpcAclJson,
  SECURE_WHITELIST,
  parseAclEntries,
} from './acl/index.js';
export { RpcError, RpcServerError, type RpcErrorCode, type ErrorJson } from './rpc-error.js';
export { P2P_ERROR_STATUS } from './p2p-errors.js';
export { LOG_STREAM_CAPACITY } from './event-log.js';
export { MAX_RPC_STREAMS } from './streams.js';
export { DEFAULT_RPC_LIMITS, RpcLimitsError, type RpcLimits } from './rpc-limits.js';
export { type RpcConnectionStats } from './connection-gate.js';
export { P2P_DESCRIPTOR_MARGIN, p2pDescriptorNeeds } from './fd-budget.js';
export { MAX_BODY_DEPTH } from './json-depth.js';
