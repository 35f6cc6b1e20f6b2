import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { JSON_CONTENT_TYPE, jsonBody } from './json-lines.js';
import { RpcError } from './rpc-error.js';

/** What the server makes of anything a handler or fastify itself threw. */
export function toRpcError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  // Fastify's own refusals (media type, body size, malformed body …) carry a 4xx status.
  const status = (e as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return RpcError.invalidRequest(status, e instanceof Error ? e.message : 'invalid request');
  return RpcError.internal(e);
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The path segments up to the refused argument, as resto names them (`resto_directory.ml resolve`):
 * decoded, the argument included.
 */
function pathUpTo(url: string, value: string): string {
  const segments = url
    .replace(/[?#].*$/, '')
    .split('/')
    .filter((s) => s !== '')
    .map(decoded);
  const at = segments.indexOf(value);
  return (at < 0 ? segments : segments.slice(0, at + 1)).join('/');
}

/** Text bodies go as bytes, so that fastify adds no `; charset=utf-8` to resto's `text/plain`. */
const text = (reply: FastifyReply, body: string) => reply.type('text/plain').send(Buffer.from(body));

/** Answer with the error's status and body; internal failures are logged, never shown. */
export function sendError(reply: FastifyReply, e: unknown, log: FastifyBaseLogger): FastifyReply {
  const err = toRpcError(e);
  if (err.code === 'INTERNAL') log.error({ err: err.cause }, 'RPC handler failed');
  reply.code(err.status);
  const body = err.body;
  switch (body.kind) {
    case 'trace':
      return reply.type(JSON_CONTENT_TYPE).send(jsonBody(body.trace));
    case 'path_argument':
      // Resto's wording, typo and all; it prints the parser's message where it announces the value.
      return text(
        reply,
        `Failed to parsed an argument in path. After "${pathUpTo(reply.request.url, body.value)}", the value "${body.reason}" is not acceptable for type "${body.type}"`,
      );
    case 'text':
      return text(reply, body.text);
    case 'empty':
      return reply.send();
  }
}
