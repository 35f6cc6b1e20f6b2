import {
  type RawAppMessage,
  type ShellConnectionMetadata,
  type ShellPeerMetadata,
  rawAppMessages,
  shellConnectionMetadataConfig,
  shellPeerMetadataConfig,
} from '@tezos-p2p/wire';
import type { P2pParams } from './config.js';

/**
 * Parameters of a node that carries application messages as opaque `(tag, bytes)` pairs with the L1
 * shell's metadata — what the tzp2p node and the conformance tools use.
 */
export function rawMessageParams(
  chainName: string,
  opts: { privateMode?: boolean; disableMempool?: boolean } = {},
): P2pParams<RawAppMessage, ShellPeerMetadata, ShellConnectionMetadata> {
  return {
    chainName,
    messages: { opaque: rawAppMessages },
    peerMetadata: shellPeerMetadataConfig,
    connectionMetadata: shellConnectionMetadataConfig({
      disableMempool: opts.disableMempool ?? false,
      privateNode: opts.privateMode ?? false,
    }),
  };
}
