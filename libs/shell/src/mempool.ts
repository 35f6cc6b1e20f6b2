import { type Encoding, checkSize, dynamicSize, list, obj } from '@tezos-p2p/encoding';
import { mempoolMaxSize } from './bounds.js';
import { operationHashEncoding } from './hashes.js';
import type { Mempool } from './types.js';

/**
 * `Mempool.encoding`: two hash lists, the second wrapped in one more length prefix that Octez keeps
 * for compatibility with older nodes.
 */
const mempoolEncoding: Encoding<Mempool> = obj(
  {
    knownValid: list(operationHashEncoding),
    pending: dynamicSize(list(operationHashEncoding)),
  },
  'mempool',
);

/** `Mempool.bounded_encoding ?max_operations`. */
export function boundedMempoolEncoding(maxOperations: number | undefined): Encoding<Mempool> {
  return maxOperations === undefined ? mempoolEncoding : checkSize(mempoolMaxSize(maxOperations), mempoolEncoding);
}
