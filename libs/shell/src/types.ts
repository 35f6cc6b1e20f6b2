/**
 * The values carried by the L1 shell's distributed-db messages (`Distributed_db_message.t`).
 *
 * Hashes and chain ids are raw bytes: decoding keeps them as zero-copy views of the received buffer
 * and comparing or re-encoding them needs no Base58 work; `shellMessageToJson` gives the b58check
 * names for humans. The aliases below only document which hash a field holds.
 */

/** 4 bytes (`Chain_id.t`), printed `Net…`. */
export type ChainId = Uint8Array;
/** 32 bytes, printed `B…`. */
export type BlockHash = Uint8Array;
/** 32 bytes, printed `o…`. */
export type OperationHash = Uint8Array;
/** 32 bytes, printed `LLo…`: the root, and every sibling in a Merkle path. */
export type OperationListListHash = Uint8Array;
/** 32 bytes, printed `P…`. */
export type ProtocolHash = Uint8Array;
/** 32 bytes, printed `Co…`. */
export type ContextHash = Uint8Array;

/** `Block_header.shell_header`; field names are the OCaml record's, in camelCase. */
export interface ShellHeader {
  /** int32 */
  readonly level: number;
  /** uint8 */
  readonly protoLevel: number;
  readonly predecessor: BlockHash;
  /** Seconds since the epoch (`Time.Protocol.t`, an int64). */
  readonly timestamp: bigint;
  /** uint8 */
  readonly validationPasses: number;
  readonly operationsHash: OperationListListHash;
  /** Opaque, protocol-defined byte strings (`Fitness.t`). */
  readonly fitness: readonly Uint8Array[];
  readonly context: ContextHash;
}

export interface BlockHeader {
  readonly shell: ShellHeader;
  /** Protocol-specific bytes, running to the end of the header. */
  readonly protocolData: Uint8Array;
}

/**
 * `Block_locator.t` as it travels: the head's header and sparse history. Octez also keeps the
 * head's hash, but recomputes it on receipt (Blake2b of the header), so it is not part of the value.
 */
export interface BlockLocator {
  readonly currentHead: BlockHeader;
  readonly history: readonly BlockHash[];
}

/**
 * `Mempool.t`. Octez holds two sets (so it sends each list sorted and without duplicates); here the
 * lists keep the order and the duplicates received, so any received message re-encodes exactly.
 */
export interface Mempool {
  readonly knownValid: readonly OperationHash[];
  readonly pending: readonly OperationHash[];
}

export interface Operation {
  readonly branch: BlockHash;
  /** Protocol-specific bytes (`proto`). */
  readonly data: Uint8Array;
}

/**
 * An OCaml `string`, which is a byte string: text when the bytes are valid UTF-8, the raw bytes
 * otherwise. Octez accepts any bytes here, and this way every received value re-encodes exactly.
 */
export type ProtocolText = string | Uint8Array;

export interface ProtocolComponent {
  readonly name: ProtocolText;
  readonly interface?: ProtocolText;
  readonly implementation: ProtocolText;
}

export interface Protocol {
  /** `Protocol.env_version` (uint16, 0..MAX_ENV_VERSION). */
  readonly expectedEnvVersion: number;
  readonly components: readonly ProtocolComponent[];
}

/**
 * Path from an operation list's hash to the block's `operations_hash` root
 * (`Operation_list_list_hash.path`): at each level the sibling is on the right or on the left.
 */
export type OperationListPath =
  | { readonly kind: 'Left'; readonly path: OperationListPath; readonly right: OperationListListHash }
  | { readonly kind: 'Right'; readonly left: OperationListListHash; readonly path: OperationListPath }
  | { readonly kind: 'Op' };

/** One (block, validation pass) key of Get_operations_for_blocks. */
export interface OperationsForBlockKey {
  readonly hash: BlockHash;
  /** int8 */
  readonly validationPass: number;
}

/**
 * One distributed-db message. Kinds are Octez's case titles. Payloads that are tuples in OCaml take
 * their field names from Octez's JSON keys, in camelCase (chain ids are always `chainId`).
 */
export type ShellMessage =
  | { readonly kind: 'Get_current_branch'; readonly chainId: ChainId }
  | { readonly kind: 'Current_branch'; readonly chainId: ChainId; readonly locator: BlockLocator }
  | { readonly kind: 'Deactivate'; readonly chainId: ChainId }
  | { readonly kind: 'Get_current_head'; readonly chainId: ChainId }
  | {
      readonly kind: 'Current_head';
      readonly chainId: ChainId;
      readonly header: BlockHeader;
      readonly mempool: Mempool;
    }
  | { readonly kind: 'Get_block_headers'; readonly hashes: readonly BlockHash[] }
  | { readonly kind: 'Block_header'; readonly header: BlockHeader }
  | { readonly kind: 'Get_operations'; readonly hashes: readonly OperationHash[] }
  | { readonly kind: 'Operation'; readonly operation: Operation }
  | { readonly kind: 'Get_protocols'; readonly hashes: readonly ProtocolHash[] }
  | { readonly kind: 'Protocol'; readonly protocol: Protocol }
  | { readonly kind: 'Get_operations_for_blocks'; readonly blocks: readonly OperationsForBlockKey[] }
  | {
      readonly kind: 'Operations_for_blocks';
      readonly hash: BlockHash;
      readonly validationPass: number;
      readonly path: OperationListPath;
      readonly operations: readonly Operation[];
    }
  | { readonly kind: 'Get_checkpoint'; readonly chainId: ChainId }
  | { readonly kind: 'Checkpoint'; readonly chainId: ChainId; readonly header: BlockHeader }
  | { readonly kind: 'Get_protocol_branch'; readonly chainId: ChainId; readonly protoLevel: number }
  | {
      readonly kind: 'Protocol_branch';
      readonly chainId: ChainId;
      readonly protoLevel: number;
      readonly locator: BlockLocator;
    }
  | { readonly kind: 'Get_predecessor_header'; readonly block: BlockHash; readonly offset: number }
  | {
      readonly kind: 'Predecessor_header';
      readonly block: BlockHash;
      readonly offset: number;
      readonly header: BlockHeader;
    };

export type ShellMessageKind = ShellMessage['kind'];

/** The message of kind `K`. */
export type ShellMessageOf<K extends ShellMessageKind> = Extract<ShellMessage, { kind: K }>;
