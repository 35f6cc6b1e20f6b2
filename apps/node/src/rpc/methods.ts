import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the answers resto gives before it looks at its ACL (405, OPTIONS, HEAD). */
    readonly fallback?: boolean;
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Whether the request was routed to one of `methodFallbacks`' answers rather than to a service. */
export function isFallback(req: FastifyRequest): boolean {
  return req.routeOptions.config.fallback === true;
}

/**
 * Resto's answers for a known path with another method: 405 with `Allow`, OPTIONS listing the methods
 * (its CORS preflight handler without an `Origin`), and 501 for HEAD anywhere
 * (`resto/src/server.ml`). Call it before registering the routes, and `complete` after.
 */
export function methodFallbacks(app: FastifyInstance): { complete(): void } {
  const byUrl = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    for (const m of [route.method].flat()) {
      const set = byUrl.get(route.url) ?? new Set<string>();
      set.add(m);
      byUrl.set(route.url, set);
    }
  });
  const config = { fallback: true };
  return {
    complete() {
      const known = [...byUrl];
      for (const [url, set] of known) {
        const allow = METHODS.filter((m) => set.has(m));
        for (const method of METHODS.filter((m) => !set.has(m)))
          app.route({
            method,
            url,
            config,
            handler: async (_req, reply) => reply.code(405).header('allow', allow.join(', ')).send(),
          });
        app.route({
          method: 'OPTIONS',
          url,
          config,
          handler: async (_req, reply) =>
            reply.code(200).header('access-control-allow-methods', allow.join(', ')).send(),
        });
      }
      app.route({ method: 'HEAD', url: '*', config, handler: async (_req, reply) => reply.code(501).send() });
    },
  };
}
