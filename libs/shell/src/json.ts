import { toHex } from '@tezos-p2p/encoding';
import { toB58Check } from './b58.js';
import { pathSteps } from './merkle-path.js';
import { protocolTimestampToJson } from './timestamp.js';
import type {
  BlockHeader,
  BlockLocator,
  Mempool,
  Operation,
  OperationListPath,
  OperationsForBlockKey,
  Protocol,
  ProtocolText,
  ShellMessage,
} from './types.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

const chain = (b: Uint8Array): string => toB58Check('chainId', b);
const block = (b: Uint8Array): string => toB58Check('block', b);
const op = (b: Uint8Array): string => toB58Check('operation', b);

/** `Block_header.encoding` in JSON: the shell fields, then `protocol_data` in hex. */
export function blockHeaderToJson(h: BlockHeader): JsonObject {
  const s = h.shell;
  return {
    level: s.level,
    proto: s.protoLevel,
    predecessor: block(s.predecessor),
    timestamp: protocolTimestampToJson(s.timestamp),
    validation_pass: s.validationPasses,
    operations_hash: toB58Check('operationListList', s.operationsHash),
    fitness: s.fitness.map(toHex),
    context: toB58Check('context', s.context),
    protocol_data: toHex(h.protocolData),
  };
}

export function blockLocatorToJson(l: BlockLocator): JsonObject {
  return { current_head: blockHeaderToJson(l.currentHead), history: l.history.map(block) };
}

export function mempoolToJson(m: Mempool): JsonObject {
  return { known_valid: m.knownValid.map(op), pending: m.pending.map(op) };
}

export function operationToJson(o: Operation): JsonObject {
  return { branch: block(o.branch), data: toHex(o.data) };
}

// JSON has no byte strings: text that is not UTF-8 is shown with U+FFFD, for display only.
const text = (t: ProtocolText): string => (typeof t === 'string' ? t : lenientUtf8.decode(t));

export function protocolToJson(p: Protocol): JsonObject {
  return {
    expected_env_version: p.expectedEnvVersion,
    components: p.components.map((c) => ({
      name: text(c.name),
      ...(c.interface === undefined ? {} : { interface: text(c.interface) }),
      implementation: text(c.implementation),
    })),
  };
}

/** `path_encoding` in JSON: `{path, right}` for Left, `{left, path}` for Right, `{}` for Op. */
export function operationListPathToJson(path: OperationListPath): JsonObject {
  const steps = pathSteps(path);
  let j: JsonObject = {};
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i]!;
    const h = toB58Check('operationListList', s.hash);
    j = s.side === 'Left' ? { path: j, right: h } : { left: h, path: j };
  }
  return j;
}

const key = (k: OperationsForBlockKey): JsonObject => ({ hash: block(k.hash), validation_pass: k.validationPass });

/**
 * The message as Octez prints it (`Distributed_db_message.pp_json`): its case's object, with
 * hashes in Base58Check, bytes in hex and timestamps in RFC 3339. The case itself is `msg.kind`.
 */
export function shellMessageToJson(msg: ShellMessage): JsonObject {
  switch (msg.kind) {
    case 'Get_current_branch':
      return { get_current_branch: chain(msg.chainId) };
    case 'Current_branch':
      return { chain_id: chain(msg.chainId), current_branch: blockLocatorToJson(msg.locator) };
    case 'Deactivate':
      return { deactivate: chain(msg.chainId) };
    case 'Get_current_head':
      return { get_current_head: chain(msg.chainId) };
    case 'Current_head':
      return {
        chain_id: chain(msg.chainId),
        current_block_header: blockHeaderToJson(msg.header),
        current_mempool: mempoolToJson(msg.mempool),
      };
    case 'Get_block_headers':
      return { get_block_headers: msg.hashes.map(block) };
    case 'Block_header':
      return { block_header: blockHeaderToJson(msg.header) };
    case 'Get_operations':
      return { get_operations: msg.hashes.map(op) };
    case 'Operation':
      return { operation: operationToJson(msg.operation) };
    case 'Get_protocols':
      return { get_protocols: msg.hashes.map((h) => toB58Check('protocol', h)) };
    case 'Protocol':
      return { protocol: protocolToJson(msg.protocol) };
    case 'Get_operations_for_blocks':
      return { get_operations_for_blocks: msg.blocks.map(key) };
    case 'Operations_for_blocks':
      return {
        operations_for_block: key(msg),
        operation_hashes_path: operationListPathToJson(msg.path),
        operations: msg.operations.map(operationToJson),
      };
    case 'Get_checkpoint':
      return { get_checkpoint: chain(msg.chainId) };
    case 'Checkpoint':
      return { checkpoint: { chain_id: chain(msg.chainId), header: blockHeaderToJson(msg.header) } };
    case 'Get_protocol_branch':
      return { get_protocol_branch: { chain: chain(msg.chainId), proto_level: msg.protoLevel } };
    case 'Protocol_branch':
      return {
        protocol_branch: {
          chain: chain(msg.chainId),
          proto_level: msg.protoLevel,
          locator: blockLocatorToJson(msg.locator),
        },
      };
    case 'Get_predecessor_header':
      return { get_predecessor_header: { block: block(msg.block), offset: msg.offset } };
    case 'Predecessor_header':
      return {
        predecessor_header: { block: block(msg.block), offset: msg.offset, header: blockHeaderToJson(msg.header) },
      };
  }
}
