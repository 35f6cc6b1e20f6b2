import type { FastifyReply } from 'fastify';
import type { NetworkVersion } from '@tezos-p2p/wire';
import { JSON_CONTENT_TYPE, jsonBody } from './json-lines.js';
import type { P2pErrorContext } from './p2p-errors.js';
import type { StreamRegistry } from './streams.js';
import type { NodeP2p } from './types.js';

/** What every route module is given. */
export interface RouteContext {
  readonly p2p: NodeP2p;
  readonly streams: StreamRegistry;
  /** Undefined when it could not be determined (then /network/version fails). */
  readonly announcedVersion: NetworkVersion;
  readonly errors: P2pErrorContext;
}

/** A whole JSON answer, printed as Octez does. */
export function sendJson(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type(JSON_CONTENT_TYPE).send(jsonBody(value));
}
