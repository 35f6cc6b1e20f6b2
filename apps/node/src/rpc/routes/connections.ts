import type { FastifyInstance } from 'fastify';
import { type Query, flagQuery, peerIdArg } from '../args.js';
import { type RouteContext, sendJson } from '../context.js';
import { connectionInfoJson } from '../encoders.js';
import { connectionsListing } from '../listings.js';
import { RpcError } from '../rpc-error.js';

type PeerRequest = { Params: { peerId: string }; Querystring: Query };

/** `/network/connections`: running connections; closing one. */
export function connectionRoutes(app: FastifyInstance, { p2p }: RouteContext): void {
  app.get('/network/connections', async (_req, reply) => sendJson(reply, connectionsListing(p2p)));

  app.get<PeerRequest>('/network/connections/:peerId', async (req, reply) => {
    const conn = p2p.findConnection(peerIdArg(req.params.peerId));
    if (conn === undefined) throw RpcError.notFound('connection');
    return sendJson(reply, connectionInfoJson(conn.connection.info));
  });

  // `P2p_conn.disconnect ~wait ~reason:Explicit_RPC`, awaited; nothing to do when not connected.
  app.delete<PeerRequest>('/network/connections/:peerId', async (req, reply) => {
    const peerId = peerIdArg(req.params.peerId);
    const wait = flagQuery(req.query, 'wait');
    await p2p.findConnection(peerId)?.disconnect({ kind: 'Explicit_RPC' }, { wait });
    return sendJson(reply, {});
  });
}
