/**
 * @packageDocumentation
 * The L1 shell's distributed-db messages (`Distributed_db_message`, tags 0x10 and up) byte for byte
 * as Octez encodes them: typed values, the codec with Octez's bounds, its plugging into the P2P
 * message codec, kind names and Octez-like JSON.
 */
export type {
  ShellMessage, ShellMessageKind, ShellMessageOf, ChainId, BlockHash, OperationHash, OperationListListHash, ProtocolHash, ContextHash,
  ShellHeader, BlockHeader, BlockLocator, Mempool, Operation, Protocol, ProtocolComponent, ProtocolText, OperationListPath,
  OperationsForBlockKey,
} from './types.js';
export {
  type ShellBounds, DEFAULT_SHELL_BOUNDS, GET_REQUEST_MAX_LENGTH, HASH_SIZE, CHAIN_ID_SIZE, merkleDepth, merklePathMaxSize, mempoolMaxSize,
} from './bounds.js';
export { SHELL_MESSAGE_TAGS, SHELL_MESSAGE_KINDS, shellMessageKindOfTag } from './tags.js';
export { type ShellCodec, createShellCodec } from './codec.js';
export { type ShellMessageCase, type ShellPayload, shellMessageCases } from './cases.js';
export { defaultShellCodec, shellMessageEncoding, shellAppMessages, decodeShellMessage, encodeShellMessage } from './default-codec.js';
export {
  chainIdEncoding, blockHashEncoding, operationHashEncoding, operationListListHashEncoding, protocolHashEncoding, contextHashEncoding,
} from './hashes.js';
export { fitnessEncoding, shellHeaderEncoding, blockHeaderEncoding, boundedBlockHeaderEncoding } from './block-header.js';
export { blockLocatorEncoding } from './block-locator.js';
export { boundedMempoolEncoding } from './mempool.js';
export { type OperationList, type OperationListBounds, operationEncoding, boundedOperationEncoding, operationListEncoding } from './operation.js';
export { operationListPathEncoding, boundedOperationListPathEncoding, PATH_TAG_LEFT, PATH_TAG_RIGHT, PATH_TAG_OP } from './merkle-path.js';
export { MAX_ENV_VERSION, protocolEncoding, boundedProtocolEncoding, protocolComponentEncoding, protocolTextEncoding } from './protocol.js';
export { type B58Kind, type B58Prefix, B58_PREFIXES, HashFormatError, toB58Check, fromB58Check } from './b58.js';
export { protocolTimestampToJson } from './timestamp.js';
export {
  type Json, type JsonObject, shellMessageToJson, blockHeaderToJson, blockLocatorToJson, mempoolToJson, operationToJson, protocolToJson,
  operationListPathToJson,
} from './json.js';
