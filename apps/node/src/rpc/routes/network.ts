import type { FastifyInstance } from 'fastify';
import { type Query, pointArg, timeoutQuery } from '../args.js';
import { emptyBody } from '../bodies.js';
import { type RouteContext, sendJson } from '../context.js';
import { networkVersionJson, statJson } from '../encoders.js';
import { eventLogSource } from '../event-log.js';
import { connectionsListing, peersListing, pointsListing } from '../listings.js';
import { p2pFailure } from '../p2p-errors.js';

/** `timeout_query`'s default (`p2p_services.ml`). */
const CONNECT_TIMEOUT_S = 10;

/** The global part of the directory: identity, statistics, versions, the event log, connecting. */
export function networkRoutes(app: FastifyInstance, { p2p, streams, announcedVersion, errors }: RouteContext): void {
  app.get('/network/self', async (_req, reply) => sendJson(reply, p2p.peerId));

  app.get('/network/stat', async (_req, reply) => sendJson(reply, statJson(p2p.stat())));

  const version = () => networkVersionJson(announcedVersion);
  // Both were removed from Octez in 2024 (8abb4b515e, "remove deprecated RPCs version and versions");
  // served as they last were: the announced version, and a one-element list of it. The closest
  // service in Octez v25 is GET /version, whose `network_version` field holds the same object.
  app.get('/network/version', async (_req, reply) => sendJson(reply, version()));
  app.get('/network/versions', async (_req, reply) => sendJson(reply, [version()]));

  app.get('/network/log', (_req, reply) => streams.send(reply, (abort) => eventLogSource(p2p, abort)));

  app.put<{ Params: { point: string }; Querystring: Query }>('/network/points/:point', async (req, reply) => {
    const point = pointArg(req.params.point);
    const timeoutMs = timeoutQuery(req.query, CONNECT_TIMEOUT_S);
    emptyBody(req.body);
    try {
      await p2p.connect(point, { timeoutMs });
    } catch (e) {
      throw p2pFailure(e, errors);
    }
    return sendJson(reply, {});
  });

  app.get('/network/full_stat', async (_req, reply) => {
    const connections = connectionsListing(p2p);
    return sendJson(reply, {
      stat: statJson(p2p.stat()),
      incoming_connections: connections.filter((c) => c['incoming'] === true),
      outgoing_connections: connections.filter((c) => c['incoming'] !== true),
      peers: peersListing(p2p, []),
      points: pointsListing(p2p, []),
    });
  });
}
