import { CHAIN_NAMES } from '@tezos-p2p/wire';

/** Built-in networks (`src/lib_node_config/config_file.ml`): chain name and bootstrap peers. */
export interface NetworkDefinition {
  readonly chainName: string;
  readonly bootstrapPeers: readonly string[];
}

export const NETWORKS = {
  mainnet: { chainName: CHAIN_NAMES.mainnet, bootstrapPeers: ['boot.tzinit.org', 'boot.tzboot.net', 'boot.tzbeta.net'] },
  ghostnet: {
    chainName: CHAIN_NAMES.ghostnet,
    bootstrapPeers: ['ghostnet.teztnets.com', 'ghostnet.tzinit.org', 'ghostnet.tzboot.net', 'ghostnet.boot.ecadinfra.com', 'ghostnet.stakenow.de:9733'],
  },
  sandbox: { chainName: CHAIN_NAMES.sandbox, bootstrapPeers: [] },
} as const satisfies Record<string, NetworkDefinition>;

export type NetworkName = keyof typeof NETWORKS;

export function isNetworkName(s: string): s is NetworkName {
  return Object.prototype.hasOwnProperty.call(NETWORKS, s);
}

/** Octez's default ports (`config_file.ml`). */
export const DEFAULT_P2P_PORT = 9732;
export const DEFAULT_RPC_PORT = 8732;
