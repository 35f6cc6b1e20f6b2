import type { FastifyInstance } from 'fastify';
import { peerEventToJson } from '@tezos-p2p/pool';
import type { PeerId } from '@tezos-p2p/wire';
import { type Query, filterQuery, flagQuery, peerIdArg } from '../args.js';
import { type Acl, peerPatchBody } from '../bodies.js';
import { type RouteContext, sendJson } from '../context.js';
import { peerInfoJson } from '../encoders.js';
import { PEER_FILTERS, peersListing } from '../listings.js';
import { ringMonitorSource } from '../ring-monitor.js';
import { RpcError } from '../rpc-error.js';
import type { NodeP2p } from '../types.js';

type PeerRequest = { Params: { peerId: string }; Querystring: Query };

/** The `acl` of PATCH, as `p2p_directory.ml` does it; resolves once a banned peer's connection is closed. */
async function applyAcl(p2p: NodeP2p, peerId: PeerId, acl: Acl | undefined): Promise<void> {
  switch (acl) {
    case 'ban': {
      // Octez's `Peers.ban` returns after the disconnection, so the info answered shows it.
      const conn = p2p.findConnection(peerId);
      p2p.peers.untrust(peerId);
      p2p.peers.ban(peerId);
      if (conn !== undefined) await conn.done;
      return;
    }
    case 'trust':
      p2p.peers.trust(peerId);
      return;
    case 'open':
      p2p.peers.unban(peerId);
      p2p.peers.untrust(peerId);
      return;
    case undefined:
      return;
  }
}

/** `/network/peers`: known peers, their logs and permissions. */
export function peerRoutes(app: FastifyInstance, { p2p, streams }: RouteContext): void {
  app.get<{ Querystring: Query }>('/network/peers', async (req, reply) =>
    sendJson(reply, peersListing(p2p, filterQuery(req.query, PEER_FILTERS))),
  );

  const info = (peerId: PeerId) => {
    const i = p2p.peerInfo(peerId);
    if (i === undefined) throw RpcError.notFound('peer');
    return peerInfoJson(p2p, i);
  };

  app.get<PeerRequest>('/network/peers/:peerId', async (req, reply) =>
    sendJson(reply, info(peerIdArg(req.params.peerId))),
  );

  app.patch<PeerRequest>('/network/peers/:peerId', async (req, reply) => {
    const peerId = peerIdArg(req.params.peerId);
    const { acl } = peerPatchBody(req.body);
    await applyAcl(p2p, peerId, acl);
    return sendJson(reply, info(peerId));
  });

  app.get<PeerRequest>('/network/peers/:peerId/log', async (req, reply) => {
    const peerId = peerIdArg(req.params.peerId);
    const monitor = flagQuery(req.query, 'monitor');
    const i = p2p.peerInfo(peerId);
    if (i === undefined) return sendJson(reply, []);
    if (!monitor) return sendJson(reply, i.events.toArray().map(peerEventToJson));
    streams.send(reply, (abort) => ringMonitorSource(p2p.events$, i.events, peerEventToJson, abort));
    return reply;
  });

  app.get<PeerRequest>('/network/peers/:peerId/banned', async (req, reply) =>
    sendJson(reply, p2p.peers.banned(peerIdArg(req.params.peerId))),
  );
}
