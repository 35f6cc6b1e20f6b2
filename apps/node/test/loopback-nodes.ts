import type { NodeP2p } from '../src/rpc/index.js';

/** The chain name of every node these helpers start. */
export const TEST_CHAIN = 'TZP2P_TEST';

/** What keeps this process's event loop alive, by type (timers, sockets, servers). */
export function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
  return counts;
}

/** Resource types held now beyond the `before` counts (the runner's own timers may come and go). */
export function leftSince(before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(resources()).filter(([k, n]) => n > (before[k] ?? 0)));
}

/** 127.0.<pid-derived>.<last>: test files running in parallel processes get distinct addresses. */
export function testHost(last: number): string {
  return `127.0.${1 + (process.pid % 200)}.${last}`;
}

/**
 * A P2P node on `host` (port chosen by the system, proof of work 0, maintenance off unless `limits`
 * say otherwise). The libraries are imported on first call, so a test can register an SDK before
 * the libraries load.
 */
export async function loopbackNode(
  host: string,
  opts: { limits?: Record<string, unknown>; trusted?: readonly { ip: string; port: number }[] } = {},
): Promise<NodeP2p> {
  const { createP2p, rawMessageParams } = await import('@tezos-p2p/p2p');
  const { generateIdentity } = await import('@tezos-p2p/crypto');
  return (await createP2p(
    {
      identity: await generateIdentity({ difficulty: 0, workers: 0 }),
      listenAddr: host,
      localAddress: host,
      listeningPort: 0,
      expectedProofOfWork: 0,
      ...(opts.trusted ? { trustedPoints: opts.trusted.map((point) => ({ point })) } : {}),
    },
    opts.limits ?? { maintenanceIdleTimeMs: null },
    rawMessageParams(TEST_CHAIN),
  )) as NodeP2p;
}
