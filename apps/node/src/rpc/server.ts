import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { pino } from 'pino';
import { BODY_LIMIT, registerBodyParser } from './body-parser.js';
import type { RouteContext } from './context.js';
import { sendError } from './http-errors.js';
import { RpcServerError } from './rpc-error.js';
import { methodFallbacks } from './methods.js';
import { connectionRoutes } from './routes/connections.js';
import { greylistRoutes } from './routes/greylist.js';
import { networkRoutes } from './routes/network.js';
import { peerRoutes } from './routes/peers.js';
import { pointRoutes } from './routes/points.js';
import { StreamRegistry } from './streams.js';
import type { NodeP2p, RpcServer, RpcServerOptions } from './types.js';

/** Serve Octez's `/network` directory (`p2p_directory.ml build_rpc_directory`) for this P2P layer. */
export async function startRpcServer(p2p: NodeP2p, opts: RpcServerOptions): Promise<RpcServer> {
  const log: FastifyBaseLogger = opts.logger ? opts.logger : pino({ enabled: false });
  const app = Fastify({
    loggerInstance: log,
    // One line per request at debug level (below); fastify's own lines are at info.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    // Octez answers HEAD with 501 (methods.ts), not as a GET without body.
    exposeHeadRoutes: false,
    // Streams never end on their own; close() cuts them and every other connection.
    forceCloseConnections: true,
    routerOptions: {
      ignoreTrailingSlash: true,
      ignoreDuplicateSlashes: true,
      // Long enough that a bad point or peer id is answered 400, not an unmatched route.
      maxParamLength: 1024,
    },
    // Malformed or oversized paths, answered like every other refusal.
    frameworkErrors: (e, req, reply) => void sendError(reply, e, req.log),
  });

  const streams = new StreamRegistry(log, opts.maxStreams);
  const ctx: RouteContext = {
    p2p,
    streams,
    announcedVersion: opts.announcedVersion ?? p2p.announcedVersion,
    errors: { expectedPeerId: (point) => p2p.pointInfo(point)?.expectedPeerId },
  };
  registerBodyParser(app);
  app.setErrorHandler((e, req, reply) => sendError(reply, e, req.log));
  // Unknown paths, like handlers that find nothing, are a bare 404 (resto's `Not_found`).
  app.setNotFoundHandler((_req, reply) => reply.code(404).send());
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'RPC');
  });
  const fallbacks = methodFallbacks(app);
  for (const routes of [networkRoutes, connectionRoutes, peerRoutes, pointRoutes, greylistRoutes]) routes(app, ctx);
  fallbacks.complete();

  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (e) {
    await app.close();
    throw new RpcServerError(`cannot listen on ${opts.host}:${opts.port}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const port = (app.server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    port,
    close: () =>
      (closing ??= (async () => {
        streams.closeAll();
        await app.close();
      })()),
  };
}
