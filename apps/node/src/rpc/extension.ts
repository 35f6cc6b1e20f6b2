import type { FastifyInstance } from 'fastify';
import type { RouteContext } from './context.js';

/**
 * Routes added to the RPC server by its user (e.g. `tzp2p devnet`'s aggregated endpoints), registered
 * on every listening address after the built-in ones. They go through the same server and hooks as
 * the RPC itself: the address's ACL decides on their paths, unknown methods get resto's 405, and
 * streams sent through `ctx.streams` count against the stream cap and end when the server closes.
 */
export type RpcExtension = (app: FastifyInstance, ctx: RouteContext) => void;
