import type { FastifyInstance } from 'fastify';
import { pointEventToJson } from '@tezos-p2p/pool';
import type { PeerId, Point } from '@tezos-p2p/wire';
import { type Query, filterQuery, flagQuery, pointArg } from '../args.js';
import { type Acl, pointPatchBody } from '../bodies.js';
import { type RouteContext, sendJson } from '../context.js';
import { POINT_FILTERS, pointsListing } from '../listings.js';
import { ringMonitorSource } from '../ring-monitor.js';
import { RpcError } from '../rpc-error.js';
import type { NodeP2p } from '../types.js';

type PointRequest = { Params: { point: string }; Querystring: Query };

/** Running connections of points at `ip`: those `Points.ban` closes. */
function connectionsAt(p2p: NodeP2p, ip: string): Promise<unknown>[] {
  return p2p
    .knownPoints((i) => i.point.ip === ip && i.state.kind === 'Running')
    .flatMap((i) => (i.state.kind === 'Running' ? [i.state.connection.done] : []));
}

/** `set_expected_peer_id`, resolved once a running connection to another peer is closed (Octez awaits it). */
async function expectPeerId(p2p: NodeP2p, point: Point, peerId: PeerId | undefined): Promise<void> {
  if (peerId === undefined) return;
  const s = p2p.pointInfo(point)?.state;
  const closing = s?.kind === 'Running' && s.peerId !== peerId ? s.connection.done : undefined;
  p2p.setExpectedPeerId(point, peerId);
  await closing;
}

/** The `acl` of PATCH, as `p2p_directory.ml` does it. */
async function applyAcl(p2p: NodeP2p, point: Point, acl: Acl | undefined): Promise<void> {
  switch (acl) {
    case 'ban': {
      const closing = connectionsAt(p2p, point.ip);
      p2p.points.untrust(point);
      p2p.points.ban(point);
      await Promise.all(closing);
      return;
    }
    case 'trust':
      p2p.points.trust(point);
      return;
    case 'open':
      p2p.points.unban(point);
      p2p.points.untrust(point);
      return;
    case undefined:
      return;
  }
}

/** `/network/points`: known points, their logs and permissions (connecting is in network.ts). */
export function pointRoutes(app: FastifyInstance, { p2p, streams }: RouteContext): void {
  app.get<{ Querystring: Query }>('/network/points', async (req, reply) =>
    sendJson(reply, pointsListing(p2p, filterQuery(req.query, POINT_FILTERS))),
  );

  const info = (point: Point) => {
    const i = p2p.pointInfo(point);
    if (i === undefined) throw RpcError.notFound('point');
    return i.toJson();
  };

  app.get<PointRequest>('/network/points/:point', async (req, reply) =>
    sendJson(reply, info(pointArg(req.params.point))),
  );

  app.patch<PointRequest>('/network/points/:point', async (req, reply) => {
    const point = pointArg(req.params.point);
    const { acl, peerId } = pointPatchBody(req.body);
    await expectPeerId(p2p, point, peerId);
    await applyAcl(p2p, point, acl);
    return sendJson(reply, info(point));
  });

  app.get<PointRequest>('/network/points/:point/log', async (req, reply) => {
    const point = pointArg(req.params.point);
    const monitor = flagQuery(req.query, 'monitor');
    const i = p2p.pointInfo(point);
    if (i === undefined) return sendJson(reply, []);
    if (!monitor) return sendJson(reply, i.events.toArray().map(pointEventToJson));
    streams.send(reply, (abort) => ringMonitorSource(p2p.events$, i.events, pointEventToJson, abort));
    return reply;
  });

  app.get<PointRequest>('/network/points/:point/banned', async (req, reply) =>
    sendJson(reply, p2p.points.banned(pointArg(req.params.point))),
  );
}
