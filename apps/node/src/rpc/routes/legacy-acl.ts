import type { FastifyInstance } from 'fastify';
import { sendJson } from '../context.js';

export type LegacyAclActions<K> = Record<'ban' | 'unban' | 'trust' | 'untrust', (key: K) => unknown>;

/**
 * The GET `<prefix>/:param/{ban,unban,trust,untrust}` services Octez had before PATCH (v12 and
 * earlier), kept for older tools; their `Data_encoding.empty` output is `{}`.
 */
export function legacyAclRoutes<K>(app: FastifyInstance, prefix: string, param: string, parse: (text: string) => K, actions: LegacyAclActions<K>): void {
  for (const [name, act] of Object.entries(actions)) {
    app.get<{ Params: Record<string, string> }>(`${prefix}/:${param}/${name}`, async (req, reply) => {
      await act(parse(req.params[param]!));
      return sendJson(reply, {});
    });
  }
}
