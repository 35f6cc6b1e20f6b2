import { type Encoding, int32, int8, list, mergeObjs, obj, uint8, dynamicSize } from '@tezos-p2p/encoding';
import { boundedBlockHeaderEncoding } from './block-header.js';
import { blockLocatorEncoding } from './block-locator.js';
import { GET_REQUEST_MAX_LENGTH, type ShellBounds } from './bounds.js';
import { blockHashEncoding, chainIdEncoding, operationHashEncoding, protocolHashEncoding } from './hashes.js';
import { boundedMempoolEncoding } from './mempool.js';
import { boundedOperationEncoding, operationListEncoding } from './operation.js';
import { boundedProtocolEncoding } from './protocol.js';
import { SHELL_MESSAGE_TAGS } from './tags.js';
import type { ShellMessageKind, ShellMessageOf } from './types.js';

/** A message's fields without its `kind`: what follows the tag on the wire. */
export type ShellPayload<K extends ShellMessageKind> = Omit<ShellMessageOf<K>, 'kind'>;

/** One case of the shell union: its tag and the layout of its payload. */
export interface ShellMessageCase<K extends ShellMessageKind = ShellMessageKind> {
  readonly tag: number;
  readonly kind: K;
  readonly encoding: Encoding<ShellPayload<K>>;
}

function shellCase<K extends ShellMessageKind>(kind: K, encoding: Encoding<ShellPayload<K>>): ShellMessageCase<K> {
  return Object.freeze({ tag: SHELL_MESSAGE_TAGS[kind], kind, encoding });
}

/**
 * The payload layouts, in Octez's case order. Octez nests some payloads in one-field objects or
 * `merge_objs`; objects have no framing in binary, so the flat field lists here are the same bytes.
 */
export function shellMessageCases(b: ShellBounds): readonly ShellMessageCase[] {
  const header = boundedBlockHeaderEncoding(b.blockHeaderMaxSize);
  const locator = blockLocatorEncoding(b.blockHeaderMaxSize, b.blockLocatorMaxLength);
  const chain = obj({ chainId: chainIdEncoding });
  const request = <T>(e: Encoding<T>) => obj({ hashes: list(e, { maxLength: GET_REQUEST_MAX_LENGTH }) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const cases: ShellMessageCase<any>[] = [
    shellCase('Get_current_branch', chain),
    shellCase('Current_branch', obj({ chainId: chainIdEncoding, locator })),
    shellCase('Deactivate', chain),
    shellCase('Get_current_head', chain),
    shellCase(
      'Current_head',
      obj({
        chainId: chainIdEncoding,
        header: dynamicSize(header),
        mempool: boundedMempoolEncoding(b.mempoolMaxOperations),
      }),
    ),
    shellCase('Get_block_headers', request(blockHashEncoding)),
    shellCase('Block_header', obj({ header })),
    shellCase('Get_operations', request(operationHashEncoding)),
    shellCase('Operation', obj({ operation: boundedOperationEncoding(b.operationMaxSize) })),
    shellCase('Get_protocols', request(protocolHashEncoding)),
    shellCase('Protocol', obj({ protocol: boundedProtocolEncoding(b.protocolMaxSize) })),
    shellCase(
      'Get_operations_for_blocks',
      obj({
        blocks: list(obj({ hash: blockHashEncoding, validationPass: int8 }), { maxLength: GET_REQUEST_MAX_LENGTH }),
      }),
    ),
    shellCase(
      'Operations_for_blocks',
      mergeObjs(
        obj({ hash: blockHashEncoding, validationPass: int8 }),
        operationListEncoding({
          maxLength: b.operationListMaxLength,
          maxSize: b.operationListMaxSize,
          maxOperationSize: b.operationMaxSize,
          maxPass: b.operationMaxPass,
        }),
      ),
    ),
    shellCase('Get_checkpoint', chain),
    shellCase('Checkpoint', obj({ chainId: chainIdEncoding, header })),
    shellCase('Get_protocol_branch', obj({ chainId: chainIdEncoding, protoLevel: uint8 })),
    shellCase('Protocol_branch', obj({ chainId: chainIdEncoding, protoLevel: uint8, locator })),
    shellCase('Get_predecessor_header', obj({ block: blockHashEncoding, offset: int32 })),
    shellCase('Predecessor_header', obj({ block: blockHashEncoding, offset: int32, header })),
  ];
  return Object.freeze(cases);
}
