import type { FastifyInstance } from 'fastify';
import { MAX_BODY_DEPTH, nestsDeeperThan } from './json-depth.js';
import { RpcError, echo } from './rpc-error.js';

/** Request bodies are tiny JSON objects (ACL changes, `{}`). */
export const BODY_LIMIT = 64 * 1024;

/**
 * JSON bodies as Octez takes them: `application/json`, or no content type at all (its default media
 * type). An empty body reads as absent (treated as `{}` by the handlers), so `curl -X PUT` works.
 */
export function registerBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const parse = (body: string): unknown => {
    if (body.trim() === '') return undefined;
    // Refused before parsing: nothing downstream (validation, the echo of a bad value) walks a deep value.
    if (nestsDeeperThan(body, MAX_BODY_DEPTH))
      throw RpcError.badBody(`JSON nested deeper than ${MAX_BODY_DEPTH} levels`);
    try {
      return JSON.parse(body) as unknown;
    } catch (e) {
      throw RpcError.badBody(`invalid JSON: ${echo(e instanceof Error ? e.message : String(e))}`);
    }
  };
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    try {
      done(null, parse(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (req, body, done) => {
    if (req.headers['content-type'] !== undefined) {
      done(RpcError.unsupportedMediaType(req.headers['content-type']), undefined);
      return;
    }
    try {
      done(null, parse(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
