import { type Encoding, Fixed } from '@tezos-p2p/encoding';
import { CHAIN_ID_SIZE, HASH_SIZE } from './bounds.js';

function named(title: string, size: number): Encoding<Uint8Array> {
  return { ...Fixed.bytes(size), title };
}

/** Raw bytes on the wire (the binary side of Octez's `splitted` hash encodings). */
export const chainIdEncoding = named('chain_id', CHAIN_ID_SIZE);
export const blockHashEncoding = named('block_hash', HASH_SIZE);
export const operationHashEncoding = named('operation_hash', HASH_SIZE);
export const operationListListHashEncoding = named('operation_list_list_hash', HASH_SIZE);
export const protocolHashEncoding = named('protocol_hash', HASH_SIZE);
export const contextHashEncoding = named('context_hash', HASH_SIZE);
