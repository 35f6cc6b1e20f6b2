import { type Encoding, bool, obj } from '@tezos-p2p/encoding';

/**
 * How the caller describes its connection metadata, exchanged as the first encrypted chunk
 * (Octez `P2p_params.conn_meta_config`).
 */
export interface ConnectionMetadataConfig<Meta> {
  readonly encoding: Encoding<Meta>;
  /** Our metadata, sent at every handshake. */
  value(): Meta;
  /** Whether the remote end announced itself as a private node. */
  privateNode(meta: Meta): boolean;
  /** JSON form for RPCs and logs. */
  toJson(meta: Meta): unknown;
}

/** The L1 shell's connection metadata (`Connection_metadata.t`). */
export interface ShellConnectionMetadata {
  readonly disableMempool: boolean;
  readonly privateNode: boolean;
}

/** Two bools in this order: `disable_mempool`, then `private_node`. */
export const shellConnectionMetadataEncoding: Encoding<ShellConnectionMetadata> = obj(
  { disableMempool: bool, privateNode: bool },
  'connection_metadata',
) as Encoding<ShellConnectionMetadata>;

export function shellConnectionMetadataConfig(
  local: ShellConnectionMetadata = { disableMempool: false, privateNode: false },
): ConnectionMetadataConfig<ShellConnectionMetadata> {
  return {
    encoding: shellConnectionMetadataEncoding,
    value: () => local,
    privateNode: (m) => m.privateNode,
    toJson: (m) => ({ disable_mempool: m.disableMempool, private_node: m.privateNode }),
  };
}
