import type { onRequestHookHandler } from 'fastify';

/**
 * Node destroys a socket idle for the server's timeout (fastify's `connectionTimeout`) unless a
 * `timeout` listener takes over. Idle is what an attacker does while sending a request or while not
 * reading an answer, but also what a handler does while it waits on the P2P layer
 * (`PUT /network/points/<p>?timeout=60`): that wait is bounded by its own deadline and must not be
 * cut. So the socket is destroyed unless the request is fully received and nothing has been sent
 * yet; the timer starts again with the answer's first write. Streams turn the timer off (streams.ts).
 */
export const idleTimeoutHook: onRequestHookHandler = (req, reply, done) => {
  reply.raw.on('timeout', () => {
    if (!req.raw.complete || reply.raw.headersSent) reply.raw.destroy();
  });
  done();
};
