import { p2pEventToJson } from '@tezos-p2p/events';
import {
  DEVNET_API,
  type DevnetEventJson,
  type DevnetNodeJson,
  type DevnetSnapshotJson,
  type StatJson,
} from '@tezos-p2p/web';
import { auditTime, map, merge, mergeMap, startWith } from 'rxjs';
import { type RpcExtension, observableLines, sendJson } from '../rpc/index.js';
import type { DevnetMembers } from './devnet-members.js';

/** Changes closer together than this make one snapshot on the monitor stream. */
const MONITOR_COALESCE_MS = 100;
/** Snapshots or events a devnet stream client may fall behind by before it is cut. */
const DEVNET_STREAM_CAPACITY = 1024;

function statJson(sent: number, recv: number, inflow: number, outflow: number): StatJson {
  return {
    total_sent: String(sent),
    total_recv: String(recv),
    current_inflow: Math.trunc(inflow),
    current_outflow: Math.trunc(outflow),
  };
}

/** Every node with its peer id, addresses, connections (with byte counters) and greylisted peers. */
export function devnetSnapshot(members: DevnetMembers): DevnetSnapshotJson {
  return {
    nodes: members.nodes.map((n): DevnetNodeJson => {
      const total = n.p2p.stat();
      return {
        index: n.index,
        peer_id: n.p2p.peerId,
        p2p: n.p2pAddr,
        rpc: n.rpcAddr ?? null,
        stat: statJson(total.totalSent, total.totalRecv, total.currentInflow, total.currentOutflow),
        connections: n.p2p.connections().map((c) => {
          const info = c.connection.info;
          const st = c.connection.stat();
          return {
            peer_id: c.peerId,
            incoming: info.incoming,
            addr: info.idPoint.ip,
            port: info.idPoint.port ?? null,
            stat: statJson(st.bytesSent, st.bytesReceived, st.currentInflow, st.currentOutflow),
          };
        }),
        greylisted_peers: n.p2p.greylistedPeers(),
      };
    }),
  };
}

/**
 * The devnet's endpoints for the web view (`/ui/?devnet`), added to node 0's RPC server: the whole
 * devnet in one answer, a stream of it pushed on every change (the nodes' events and nodes joining,
 * coalesced), and every node's event log merged. Nothing is polled on this side.
 */
export function devnetRoutes(members: DevnetMembers): RpcExtension {
  return (app, { streams }) => {
    app.get(DEVNET_API.snapshot, async (_req, reply) => sendJson(reply, devnetSnapshot(members)));

    app.get(DEVNET_API.monitor, (_req, reply) =>
      streams.send(reply, (abort) => {
        const changes$ = merge(members.joined$, members.events$).pipe(auditTime(MONITOR_COALESCE_MS));
        const snapshots$ = changes$.pipe(
          startWith(undefined),
          map(() => devnetSnapshot(members)),
        );
        return observableLines(snapshots$, abort, DEVNET_STREAM_CAPACITY);
      }),
    );

    app.get(DEVNET_API.log, (_req, reply) =>
      streams.send(reply, (abort) => {
        // As /network/log: events without a case in Octez's encoding (maintenance steps) are skipped.
        const events$ = members.events$.pipe(
          mergeMap(({ node, event }): DevnetEventJson[] => {
            const json = p2pEventToJson(event);
            return json === undefined ? [] : [{ node, event: json }];
          }),
        );
        return observableLines(events$, abort, DEVNET_STREAM_CAPACITY);
      }),
    );
  };
}
