import { type Encoding, Variable, checkSize, dynamicSize, obj, variableList } from '@tezos-p2p/encoding';
import { blockHashEncoding } from './hashes.js';
import { boundedOperationListPathEncoding } from './merkle-path.js';
import type { Operation, OperationListPath } from './types.js';

/** `Operation.encoding`: the branch, then the protocol data up to the end of the enclosing region. */
export const operationEncoding: Encoding<Operation> = obj(
  { branch: blockHashEncoding, data: Variable.bytes },
  'operation',
);

/** `Operation.bounded_encoding ?max_size`. */
export function boundedOperationEncoding(maxSize: number | undefined): Encoding<Operation> {
  return maxSize === undefined ? operationEncoding : checkSize(maxSize, operationEncoding);
}

export interface OperationListBounds {
  readonly maxLength?: number | undefined;
  readonly maxSize?: number | undefined;
  readonly maxOperationSize?: number | undefined;
  readonly maxPass?: number | undefined;
}

export interface OperationList {
  readonly path: OperationListPath;
  readonly operations: readonly Operation[];
}

/**
 * `Operation.bounded_list_encoding`: the Merkle path, then operations each behind a 4-byte length,
 * up to the end of the region. Each operation and the whole list have their own byte bound.
 */
export function operationListEncoding(b: OperationListBounds): Encoding<OperationList> {
  const ops = variableList(dynamicSize(boundedOperationEncoding(b.maxOperationSize)), { maxLength: b.maxLength });
  return obj(
    {
      path: boundedOperationListPathEncoding(b.maxPass),
      operations: b.maxSize === undefined ? ops : checkSize(b.maxSize, ops),
    },
    'operation_list',
  );
}
