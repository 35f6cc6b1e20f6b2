/**
 * @packageDocumentation
 * Authenticated encrypted connections as Octez makes them: the handshake (`P2p_socket.authenticate`,
 * `accept`, `nack`), encrypted chunk framing, connections with bounded queues and back-pressure, and
 * bandwidth regulation (`P2p_io_scheduler`).
 */
export { ConnectionError, type ConnectionErrorCode, isConnectionError } from './errors.js';
export { type ByteStream, StreamInput, writeAll } from './byte-stream.js';
export { createMemorySocketPair } from './memory-socket.js';
export { type SessionTap, type SessionTapHook } from './session-tap.js';
export { ChunkCipher, plaintextPerChunk, CHUNK_HEADER, TAG_LENGTH, MAX_CHUNK_SIZE, MAX_CHUNK_PLAINTEXT } from './chunk-cipher.js';
export { MovingAverage } from './moving-average.js';
export { IncomingMessages, MESSAGE_PREALLOCATION_LIMIT } from './incoming-messages.js';
export { IoScheduler, type IoSchedulerOptions, type IoStat, type ScheduledIo, type RegulatedReader } from './io-scheduler.js';
export { MemoryBudget, BudgetAccount, type MemoryBudgetOptions, type MemoryBudgetStat, UNLIMITED_MEMORY } from './memory-budget.js';
export { type Leased } from './lease.js';
export { type DisconnectReason, describeDisconnectReason } from './disconnect-reason.js';
export { type ConnectionInfo } from './connection-info.js';
export {
  Connection, type ConnectionOptions, type ConnectionStat, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_READ_QUEUE_SIZE, DEFAULT_WRITE_QUEUE_SIZE,
} from './connection.js';
export {
  authenticate, establish, AuthenticatedSocket, type HandshakeOptions, type EstablishOptions, DEFAULT_INCOMING_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_OUTGOING_HANDSHAKE_TIMEOUT_MS,
} from './handshake.js';
