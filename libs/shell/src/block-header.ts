import { type Encoding, Variable, bytes, checkSize, int32, int64, list, obj, uint8 } from '@tezos-p2p/encoding';
import { blockHashEncoding, contextHashEncoding, operationListListHashEncoding } from './hashes.js';
import type { BlockHeader, ShellHeader } from './types.js';

/** `Fitness.encoding` (binary side): a byte-length-prefixed list of length-prefixed byte strings. */
export const fitnessEncoding: Encoding<readonly Uint8Array[]> = { ...list(bytes), title: 'fitness' };

/** `Block_header.shell_header_encoding`: the fields in Octez's order, no framing. */
export const shellHeaderEncoding: Encoding<ShellHeader> = obj(
  {
    level: int32,
    protoLevel: uint8,
    predecessor: blockHashEncoding,
    timestamp: int64,
    validationPasses: uint8,
    operationsHash: operationListListHashEncoding,
    fitness: fitnessEncoding,
    context: contextHashEncoding,
  },
  'block_header.shell',
);

/** `Block_header.encoding`: the shell header, then protocol data up to the end of the enclosing region. */
export const blockHeaderEncoding: Encoding<BlockHeader> = obj(
  { shell: shellHeaderEncoding, protocolData: Variable.bytes },
  'block_header',
);

/** `Block_header.bounded_encoding ~max_size`. */
export function boundedBlockHeaderEncoding(maxSize: number): Encoding<BlockHeader> {
  return checkSize(maxSize, blockHeaderEncoding);
}
