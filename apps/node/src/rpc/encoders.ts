import type { ConnectionInfo, ConnectionStat, IoStat } from '@tezos-p2p/connection';
import type { Stamped } from '@tezos-p2p/pool';
import {
  type ConnectionPoint,
  type NetworkVersion,
  type ShellConnectionMetadata,
  connectionPointJson,
  formatTimestamp,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import type { NodeP2p, NodePeerInfo } from './types.js';

/** The JSON shapes of `src/lib_base` (events-rpc.md §4), keys in Octez's order. */

type Json = Record<string, unknown>;

/** `P2p_stat.encoding`: byte totals are int64, hence strings; rates are int31 bytes per second. */
export function statJson(s: IoStat): Json {
  return {
    total_sent: String(s.totalSent),
    total_recv: String(s.totalRecv),
    current_inflow: Math.trunc(s.currentInflow),
    current_outflow: Math.trunc(s.currentOutflow),
  };
}

export function connectionStatJson(s: ConnectionStat): Json {
  return statJson({
    totalSent: s.bytesSent,
    totalRecv: s.bytesReceived,
    currentInflow: s.currentInflow,
    currentOutflow: s.currentOutflow,
  });
}

/** `P2p_stat.empty`, what a peer without a connection reports. */
export const EMPTY_STAT: Json = statJson({ totalSent: 0, totalRecv: 0, currentInflow: 0, currentOutflow: 0 });

/** `Network_version.encoding`. */
export function networkVersionJson(v: NetworkVersion): Json {
  return { chain_name: v.chainName, distributed_db_version: v.distributedDbVersion, p2p_version: v.p2pVersion };
}

const metadataJson = shellConnectionMetadataConfig().toJson;

/** `P2p_connection.Info.encoding Connection_metadata.encoding`. */
export function connectionInfoJson(info: ConnectionInfo<ShellConnectionMetadata>): Json {
  return {
    incoming: info.incoming,
    peer_id: info.peerId,
    id_point: connectionPointJson(info.idPoint),
    remote_socket_port: info.remoteSocketPort,
    announced_version: networkVersionJson(info.announcedVersion),
    private: info.privateNode,
    local_metadata: metadataJson(info.localMetadata),
    remote_metadata: metadataJson(info.remoteMetadata),
  };
}

const stamped = (x: Stamped<ConnectionPoint> | undefined) =>
  x === undefined ? undefined : [connectionPointJson(x.value), formatTimestamp(x.at)];

/** `P2p_peer.Info.encoding` of `P2p_pool.Peers.info_of_peer_info`. */
export function peerInfoJson(p2p: NodeP2p, info: NodePeerInfo): Json {
  const s = info.state;
  const j: Json = { score: p2p.peerScore(info.peerId), trusted: info.trusted };
  if (s.kind === 'Running') j['conn_metadata'] = metadataJson(s.connMetadata);
  j['peer_metadata'] = p2p.peerMetadataJson(info.readMetadata());
  j['state'] = s.kind.toLowerCase();
  if (s.kind !== 'Disconnected') j['reachable_at'] = connectionPointJson(s.currentPoint);
  j['stat'] = s.kind === 'Running' ? connectionStatJson(s.connection.stat()) : EMPTY_STAT;
  const opt = (k: string, v: unknown) => {
    if (v !== undefined) j[k] = v;
  };
  opt('last_failed_connection', stamped(info.lastFailedConnection));
  opt('last_rejected_connection', stamped(info.lastRejectedConnection));
  opt('last_established_connection', stamped(info.lastEstablishedConnection));
  opt('last_disconnection', stamped(info.lastDisconnection));
  opt('last_seen', stamped(info.lastSeen));
  opt('last_miss', stamped(info.lastMiss));
  return j;
}
