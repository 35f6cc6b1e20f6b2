import { CHAIN_NAMES } from '@tezos-p2p/wire';

/** A network as the P2P layer uses it: the chain name it announces and its default bootstrap peers. */
export interface NetworkDefinition {
  readonly chainName: string;
  readonly bootstrapPeers: readonly string[];
}

/**
 * `builtin_blockchain_networks` of config_file.ml (v25.1), in Octez's order: an alias in config.json
 * must be spelt exactly so, `--network` takes it in any case.
 */
export const NETWORKS = {
  sandbox: { chainName: CHAIN_NAMES.sandbox, bootstrapPeers: [] },
  mainnet: {
    chainName: CHAIN_NAMES.mainnet,
    bootstrapPeers: ['boot.tzinit.org', 'boot.tzboot.net', 'boot.tzbeta.net'],
  },
  ghostnet: {
    chainName: CHAIN_NAMES.ghostnet,
    bootstrapPeers: [
      'ghostnet.teztnets.com',
      'ghostnet.tzinit.org',
      'ghostnet.tzboot.net',
      'ghostnet.boot.ecadinfra.com',
      'ghostnet.stakenow.de:9733',
    ],
  },
  shadownet: { chainName: CHAIN_NAMES.shadownet, bootstrapPeers: ['shadownet.teztnets.com', 'shadownet.tzinit.org'] },
} as const satisfies Record<string, NetworkDefinition>;

export type NetworkName = keyof typeof NETWORKS;

export const NETWORK_NAMES = Object.keys(NETWORKS) as readonly NetworkName[];

export function isNetworkName(s: string): s is NetworkName {
  return Object.prototype.hasOwnProperty.call(NETWORKS, s);
}

/** Octez's default ports (`config_file.ml`). */
export const DEFAULT_P2P_PORT = 9732;
export const DEFAULT_RPC_PORT = 8732;
export const DEFAULT_METRICS_PORT = 9932;
