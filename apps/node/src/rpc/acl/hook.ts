import type { FastifyReply, FastifyRequest } from 'fastify';
import { JSON_CONTENT_TYPE } from '../json-lines.js';
import { isFallback } from '../methods.js';
import { isRestoMethod } from './matcher.js';
import { requestPath } from './path.js';
import { type AclPolicy, allowed } from './policy.js';

/**
 * The ACL check of `resto/src/server.ml resto_callback`, as an `onRequest` hook. Resto looks the
 * service up first, so unknown paths (404), other methods (405), OPTIONS and HEAD are answered as
 * without an ACL. A refused request gets `` `Unauthorized None ``: 401, the JSON content type and an
 * empty body, which octez-client reports as "ACL filtering" (`RPC_client.ml`, `Unauthorized_uri`).
 */
export function aclHook(
  policy: AclPolicy,
): (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async (req, reply) => {
    if (req.is404 || isFallback(req) || !isRestoMethod(req.method)) return undefined;
    if (allowed(policy, req.method, requestPath(req.url))) return undefined;
    return reply.code(401).type(JSON_CONTENT_TYPE).send();
  };
}
