import { CodedErrorOf } from '@tezos-p2p/encoding';
export type AclErrorCode =
  /**
   * A configuration Octez refuses at `P2p_acl.create`: a size ≤ 0 or not an integer, an IP size of 8192 kB
   * or more (`Bloomer.create` rejects `index_bits > 24`), a cleanup delay that is not a positive finite
   * number; also Bloom filter or FIFO parameters out of range when those classes are built directly.
   */
  | 'INVALID_ACL_CONFIG'
  /** A Bloom filter hash returned fewer bits than `hashes × indexBits` (Octez's `Bloomer.peek` bounds check). */
  | 'BLOOM_DIGEST_TOO_SHORT';

export class AclError extends CodedErrorOf<AclErrorCode> {
  override readonly name = 'AclError';
}
