import { type Encoding, dynamicSize, obj, variableList } from '@tezos-p2p/encoding';
import { boundedBlockHeaderEncoding } from './block-header.js';
import { blockHashEncoding } from './hashes.js';
import type { BlockLocator } from './types.js';

/**
 * `Block_locator.bounded_encoding`: the head's header behind a 4-byte length, then the history
 * hashes up to the end of the region. The history is also size-checked (32 × max bytes), as
 * Data_encoding does for any bounded list of fixed-size elements.
 */
export function blockLocatorEncoding(maxHeaderSize: number, maxLength: number): Encoding<BlockLocator> {
  return obj(
    {
      currentHead: dynamicSize(boundedBlockHeaderEncoding(maxHeaderSize)),
      history: variableList(blockHashEncoding, { maxLength }),
    },
    'block_locator',
  );
}
