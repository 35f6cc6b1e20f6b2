import type { FastifyInstance } from 'fastify';
import { formatTimestamp, ipToP2pAddr } from '@tezos-p2p/wire';
import { type RouteContext, sendJson } from '../context.js';

/** `/network/greylist`: the ACL listings, and clearing it. */
export function greylistRoutes(app: FastifyInstance, { p2p }: RouteContext): void {
  // `P2p_pool.acl_clear`: despite the name, both greylists and both blacklists (acl.md §7).
  app.delete('/network/greylist', async (_req, reply) => {
    p2p.clearGreylist();
    return sendJson(reply, {});
  });

  app.get('/network/greylist/peers', async (_req, reply) => sendJson(reply, p2p.greylistedPeers()));

  app.get('/network/greylist/ips', async (_req, reply) => {
    const { ips, notReliableSince } = p2p.greylistedIps();
    return sendJson(reply, {
      ips: ips.map(ipToP2pAddr),
      not_reliable_since: notReliableSince === undefined ? null : formatTimestamp(notReliableSince),
    });
  });
}
