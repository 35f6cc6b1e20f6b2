import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { aclHook } from './acl/hook.js';
import type { AclPolicy } from './acl/policy.js';
import { BODY_LIMIT, registerBodyParser } from './body-parser.js';
import type { RouteContext } from './context.js';
import type { RpcExtension } from './extension.js';
import { sendError } from './http-errors.js';
import { idleTimeoutHook } from './idle-timeout.js';
import { methodFallbacks } from './methods.js';
import { connectionRoutes } from './routes/connections.js';
import { greylistRoutes } from './routes/greylist.js';
import { networkRoutes } from './routes/network.js';
import { peerRoutes } from './routes/peers.js';
import { pointRoutes } from './routes/points.js';
import { uiRoutes } from './routes/ui.js';
import { type RpcLimits, timeoutCheckIntervalMs } from './rpc-limits.js';

/** The `/network` directory, the web view (`/ui/`) and any extensions for one listening address, guarded by that address's policy. */
export function buildApp(
  ctx: RouteContext,
  policy: AclPolicy,
  log: FastifyBaseLogger,
  limits: RpcLimits,
  extensions: readonly RpcExtension[] = [],
): FastifyInstance {
  const app = Fastify({
    // Node's own timeouts (fastify's defaults turn the request timeout off): see rpc-limits.ts.
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: timeoutCheckIntervalMs(limits),
    },
    // Fastify sets these three on the server after creating it, over the values above.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
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
  registerBodyParser(app);
  app.setErrorHandler((e, req, reply) => sendError(reply, e, req.log));
  // Unknown paths, like handlers that find nothing, are a bare 404 (resto's `Not_found`).
  app.setNotFoundHandler((_req, reply) => reply.code(404).send());
  // Every request: the idle timer must not cut a handler that waits (idle-timeout.ts).
  app.addHook('onRequest', idleTimeoutHook);
  // Before the body is read: a refused request is not parsed at all.
  app.addHook('onRequest', aclHook(policy));
  app.addHook('onResponse', async (req, reply) => {
    req.log.debug(
      { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'RPC',
    );
  });
  const fallbacks = methodFallbacks(app);
  for (const routes of [networkRoutes, connectionRoutes, peerRoutes, pointRoutes, greylistRoutes]) routes(app, ctx);
  uiRoutes(app);
  for (const extend of extensions) extend(app, ctx);
  fallbacks.complete();
  return app;
}
