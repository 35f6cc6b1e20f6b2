import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { JSON_CONTENT_TYPE, jsonBody } from './json-lines.js';
import { RpcError } from './rpc-error.js';

/** What the server makes of anything a handler or fastify itself threw. */
export function toRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  // Fastify's own refusals (media type, body size, malformed body …) carry a 4xx status.
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return RpcError.invalidRequest(status, e instanceof Error ? e.message : 'invalid request');
  return RpcError.internal(e);
}

/** Answer with the error's status and trace; internal failures are logged, never shown. */
export function sendError(reply: FastifyReply, e: unknown, log: FastifyBaseLogger): FastifyReply {
  const err = toRpcError(e);
  if (err.code === 'INTERNAL') log.error({ err: err.cause }, 'RPC handler failed');
  reply.code(err.status);
  return err.trace === undefined ? reply.send() : reply.type(JSON_CONTENT_TYPE).send(jsonBody(err.trace));
}
