import { type Encoding, latin1String, obj, uint16 } from '@tezos-p2p/encoding';

/** What a node announces in its connection message (`Network_version.t`). */
export interface NetworkVersion {
  /** Compared byte for byte; kept as latin1 text so any bytes a peer sends survive unchanged. */
  readonly chainName: string;
  readonly distributedDbVersion: number;
  readonly p2pVersion: number;
}

export const networkVersionEncoding: Encoding<NetworkVersion> = obj(
  { chainName: latin1String, distributedDbVersion: uint16, p2pVersion: uint16 },
  'network_version',
);

/** Chain names of the public networks (`src/lib_node_config/config_file.ml`). */
export const CHAIN_NAMES = {
  mainnet: 'TEZOS_MAINNET',
  ghostnet: 'TEZOS_ITHACANET_2022-01-25T15:00:00Z',
  shadownet: 'TEZOS_SHADOWNET_2025-08-07T20:00:00Z',
  sandbox: 'TEZOS',
} as const;

/** P2P versions current Octez supports (`P2p_version.supported`); the greatest is announced. */
export const SUPPORTED_P2P_VERSIONS: readonly number[] = [0, 1];
/** Distributed-db versions of the L1 shell (`Distributed_db_message.distributed_db_versions`). */
export const SUPPORTED_DISTRIBUTED_DB_VERSIONS: readonly number[] = [0, 1, 2];

/** The version a node announces: the greatest of each supported list. */
export function announcedVersion(
  chainName: string,
  ddbVersions = SUPPORTED_DISTRIBUTED_DB_VERSIONS,
  p2pVersions = SUPPORTED_P2P_VERSIONS,
): NetworkVersion {
  return { chainName, distributedDbVersion: Math.max(...ddbVersions), p2pVersion: Math.max(...p2pVersions) };
}
