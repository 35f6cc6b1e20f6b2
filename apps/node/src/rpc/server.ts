import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { choosePolicy } from './acl/choose.js';
import { parseAclEntries } from './acl/entries.js';
import { policyType } from './acl/policy.js';
import { resolveAclEntries } from './acl/resolve.js';
import { buildApp } from './app.js';
import { connectionCaps, logCaps } from './connection-caps.js';
import { ConnectionGate } from './connection-gate.js';
import type { RouteContext } from './context.js';
import { resolveListenAddrs } from './listen.js';
import { RpcServerError } from './rpc-error.js';
import { resolveRpcLimits } from './rpc-limits.js';
import { StreamRegistry } from './streams.js';
import type { NodeP2p, RpcListener, RpcServer, RpcServerOptions } from './types.js';

/**
 * Serve Octez's `/network` directory (`p2p_directory.ml build_rpc_directory`) for this P2P layer on
 * every listening address, each with its ACL (`node_run_command.ml init_local_rpc_server`). Throws
 * `AclError` for a bad `rpc.acl` and `RpcServerError` when an address cannot be resolved or bound;
 * nothing is left listening then.
 */
export async function startRpcServer(p2p: NodeP2p, opts: RpcServerOptions): Promise<RpcServer> {
  const log: FastifyBaseLogger = opts.logger ? opts.logger : pino({ enabled: false });
  if (opts.listen.length === 0) throw new RpcServerError('no address to listen on');
  const limits = resolveRpcLimits(opts.limits);
  // Measured before any socket of ours is open: what the process holds without the RPC.
  const caps = connectionCaps({
    limits,
    p2pLimits: p2p.limits,
    descriptorLimit: opts.descriptorLimit,
    p2pDescriptors: opts.p2pDescriptors,
  });
  const acl = await resolveAclEntries(parseAclEntries(opts.acl ?? []));
  for (const entry of acl.unresolved)
    log.warn({ acl_entry: entry }, 'rpc.acl address has no IP address; entry ignored');
  const sockets = await resolveListenAddrs(opts.listen);

  const streams = new StreamRegistry(log, opts.maxStreams);
  const ctx: RouteContext = {
    p2p,
    streams,
    announcedVersion: opts.announcedVersion ?? p2p.announcedVersion,
    errors: { expectedPeerId: (point) => p2p.pointInfo(point)?.expectedPeerId },
  };
  // One gate for every address: the caps are the process's, like the descriptors they protect.
  const gate = new ConnectionGate(caps.total, caps.perAddress, log);
  const apps: FastifyInstance[] = [];
  const listeners: RpcListener[] = [];
  const closeAll = async () => {
    streams.closeAll();
    await Promise.all(apps.map((a) => a.close()));
  };

  for (const { ip, port, host } of sockets) {
    // Chosen with the configured port, before binding, as Octez does.
    const chosen = choosePolicy(acl.entries, ip, port);
    const app = buildApp(ctx, chosen.policy, log, limits, opts.extensions);
    gate.attach(app.server);
    apps.push(app);
    try {
      await app.listen({ host: ip, port });
    } catch (e) {
      await closeAll();
      throw new RpcServerError(
        `cannot listen on ${host === ip ? ip : `${host} (${ip})`}:${port}: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    const listener: RpcListener = {
      host: ip,
      port: (app.server.address() as AddressInfo).port,
      acl: policyType(chosen.policy),
      aclEntry: chosen.source,
    };
    listeners.push(listener);
    log.info(
      { host: listener.host, port: listener.port, acl: listener.acl, acl_entry: listener.aclEntry ?? null },
      `starting local RPC server (acl = ${listener.acl})`,
    );
  }

  logCaps(log, caps, limits.maxConnections);

  let closing: Promise<void> | undefined;
  return {
    port: listeners[0]!.port,
    listeners,
    connections: () => gate.stats(),
    close: () => (closing ??= closeAll()),
  };
}
