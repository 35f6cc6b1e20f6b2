/**
 * @packageDocumentation
 * The L1 shell's distributed-db messages (`Distributed_db_message`, tags 0x10 and up) byte for byte
 * as Octez encodes them: typed values, the codec with Octez's bounds, its plugging into the P2P
 * message codec, kind names and Octez-like JSON.
 */
export type {
  ShellMessage,
  ShellMessageKind,
  ShellMessageOf,
  ChainId,
  BlockHash,
  OperationHash,
  OperationListListHash,
  ProtocolHash,
  ContextHash,
  ShellHeader,
  BlockHeader,
  BlockLocator,
  Mempool,
  Operation,
  Protocol,
  ProtocolComponent,
  ProtocolText,
  OperationListPath,
  OperationsForBlockKey,
} from './types.js';
export {
  type ShellBounds,
  DEFAULT_SHELL_BOUNDS,
  GET_REQUEST_MAX_LENGTH,
  merkleDepth,
  merklePathMaxSize,
  mempoolMaxSize,
} from './bounds.js';
export { SHELL_MESSAGE_TAGS, SHELL_MESSAGE_KINDS, shellMessageKindOfTag } from './tags.js';
export { type ShellCodec, createShellCodec } from './codec.js';
export { type ShellMessageCase, type ShellPayload, shellMessageCases } from './cases.js';
export {
  defaultShellCodec,
  shellMessageEncoding,
  shellAppMessages,
  decodeShellMessage,
  encodeShellMessage,
} from './default-codec.js';
export { fitnessEncoding, shellHeaderEncoding, blockHeaderEncoding } from './block-header.js';
export { blockLocatorEncoding } from './block-locator.js';
export { boundedMempoolEncoding } from './mempool.js';
export { type OperationList, type OperationListBounds, operationEncoding, operationListEncoding } from './operation.js';
export { operationListPathEncoding } from './merkle-path.js';
export { protocolEncoding } from './protocol.js';
export { type B58Kind, type B58Prefix, B58_PREFIXES, HashFormatError, toB58Check, fromB58Check } from './b58.js';
export { protocolTimestampToJson } from './timestamp.js';
export {
  type Json,
  type JsonObject,
  shellMessageToJson,
  blockHeaderToJson,
  blockLocatorToJson,
  mempoolToJson,
  operationToJson,
  protocolToJson,
  operationListPathToJson,
} from './json.js';
