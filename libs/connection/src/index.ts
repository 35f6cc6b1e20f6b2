/**
 * @packageDocumentation
 * Authenticated encrypted connections as Octez makes them: the handshake (`P2p_socket.authenticate`,
 * `accept`, `nack`), encrypted chunk framing, connections with bounded queues and back-pressure, and
 * bandwidth regulation (`P2p_io_scheduler`).
 */
export { ConnectionError, type ConnectionErrorCode } from './errors.js';
export { type ByteStream, writeAll } from './byte-stream.js';
export { createMemorySocketPair } from './memory-socket.js';
export { SHARED_READ_BUFFER_SIZE, adoptAcceptedSocket, connectSharedBuffer } from './shared-buffer-socket.js';
export { type SessionTap, type SessionTapHook } from './session-tap.js';
export { ChunkCipher, MAX_CHUNK_PLAINTEXT } from './chunk-cipher.js';

export { IncomingMessages, MESSAGE_PREALLOCATION_LIMIT } from './incoming-messages.js';
export {
  IoScheduler,
  type IoSchedulerOptions,
  type IoStat,
  type ScheduledIo,
  type RegulatedReader,
} from './io-scheduler.js';
export { MemoryBudget, type MemoryBudgetOptions, type MemoryBudgetStat } from './memory-budget.js';
export { type Leased } from './lease.js';
export { type DisconnectReason, describeDisconnectReason } from './disconnect-reason.js';
export { type ConnectionInfo } from './connection-info.js';
export { type IoDirection, metadataAttributes, versionAttributes } from './handshake-span.js';
export { Connection, type ConnectionOptions, type ConnectionStat, type MessageHandlerOptions } from './connection.js';
export { LENT_MESSAGE_POOL_SIZE } from './message-buffer-pool.js';
export {
  authenticate,
  establish,
  AuthenticatedSocket,
  type HandshakeOptions,
  type EstablishOptions,
} from './handshake.js';
