import type { NetworkVersion, PeerId } from '@tezos-p2p/wire';

/** What a handshake established about the peer (`P2p_connection.Info.t`). */
export interface ConnectionInfo<Meta> {
  /** True when the peer connected to us. */
  readonly incoming: boolean;
  readonly peerId: PeerId;
  /** Remote IP and listening port: the dialled port (outgoing) or the announced one (incoming; absent if 0). */
  readonly idPoint: { readonly ip: string; readonly port: number | undefined };
  /** TCP port of the remote socket. */
  readonly remoteSocketPort: number;
  /** The version the peer announced (not the negotiated one). */
  readonly announcedVersion: NetworkVersion;
  /** The peer announced itself as a private node. */
  readonly privateNode: boolean;
  readonly localMetadata: Meta;
  readonly remoteMetadata: Meta;
}
