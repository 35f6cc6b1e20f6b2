/**
 * Size and length bounds of the shell messages (`Distributed_db_message.Bounded_encoding`).
 * Octez marks them "arbitrary high bounds" that a node may change at run time, so they are a value
 * passed to `createShellCodec`; `undefined` stands for Octez's `None` (no bound).
 */
export interface ShellBounds {
  /** Bytes of one block header (`check_size`). */
  readonly blockHeaderMaxSize: number;
  /** Hashes in a locator's history. */
  readonly blockLocatorMaxLength: number;
  /** Bytes of one operation. */
  readonly operationMaxSize?: number | undefined;
  /** Bytes of the operation list of Operations_for_blocks. */
  readonly operationListMaxSize?: number | undefined;
  /** Operations in that list (unbounded by default, as in Octez). */
  readonly operationListMaxLength?: number | undefined;
  /** Validation passes a block may have: bounds the depth of the Merkle path. */
  readonly operationMaxPass?: number | undefined;
  /** Bytes of one protocol. */
  readonly protocolMaxSize?: number | undefined;
  /** Operation hashes a mempool may hold. */
  readonly mempoolMaxOperations?: number | undefined;
}

export const DEFAULT_SHELL_BOUNDS: ShellBounds = Object.freeze({
  blockHeaderMaxSize: 8 * 1024 * 1024,
  blockLocatorMaxLength: 1000,
  operationMaxSize: 128 * 1024,
  operationListMaxSize: 1024 * 1024,
  operationListMaxLength: undefined,
  operationMaxPass: 8,
  protocolMaxSize: 2 * 1024 * 1024,
  mempoolMaxOperations: 4000,
});

/** Hashes per Get_block_headers / Get_operations / Get_protocols / Get_operations_for_blocks (fixed in Octez). */
export const GET_REQUEST_MAX_LENGTH = 10;

export const HASH_SIZE = 32;
export const CHAIN_ID_SIZE = 4;

/** Octez's `log2`: the depth of a Merkle tree over `n` leaves (ceiling of log2, 0 for n ≤ 1). */
export function merkleDepth(n: number): number {
  let depth = 0;
  for (let x = n; x > 1; x = Math.floor((x + 1) / 2)) depth++;
  return depth;
}

/** Byte bound of a path for a tree of `maxPass` leaves: one tag and one hash per level, plus the final tag. */
export function merklePathMaxSize(maxPass: number): number {
  return merkleDepth(maxPass) * (HASH_SIZE + 1) + 1;
}

/**
 * Octez's byte bound of a mempool (`Mempool.bounded_encoding`): 8 + 32 × max. It counts two length
 * prefixes where the wire has three (`pending` carries a redundant second one), so with the default
 * 4000 the mempool actually holds at most 3999 hashes in all. Kept as is: the bound is what decides
 * which bytes Octez accepts.
 */
export function mempoolMaxSize(maxOperations: number): number {
  return 8 + maxOperations * HASH_SIZE;
}
