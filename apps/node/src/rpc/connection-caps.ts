import type { P2pLimits } from '@tezos-p2p/workers';
import type { FastifyBaseLogger } from 'fastify';
import { type DescriptorState, p2pDescriptorNeeds, readDescriptorState, rpcDescriptorBudget } from './fd-budget.js';
import { type RpcLimits, RpcLimitsError } from './rpc-limits.js';

/** The caps a `ConnectionGate` enforces, and the descriptor figures that set the first. */
export interface ConnectionCaps {
  readonly total: number;
  readonly perAddress: number;
  /** Undefined when the descriptor state is unknown: the static caps apply. */
  readonly descriptors: (DescriptorState & { readonly p2pNeeds: number; readonly budget: number }) | undefined;
}

export interface CapsInput {
  readonly limits: RpcLimits;
  readonly p2pLimits: Pick<P2pLimits, 'maxConnections' | 'maxIncomingConnections' | 'backlog'>;
  /** Overrides the descriptor limit read from /proc; null: budget nothing (static caps). */
  readonly descriptorLimit: number | null | undefined;
  /** Overrides `p2pDescriptorNeeds(p2pLimits)`. */
  readonly p2pDescriptors: number | undefined;
  /** The process's descriptor state, null as without /proc; `readDescriptorState()` when absent (a seam for tests). */
  readonly state?: DescriptorState | null;
}

/**
 * The total cap is the configured one, lowered so that open RPC sockets never eat into what the P2P
 * layer needs: at most `limit − P2P needs − descriptors open at start`. Without /proc, the static
 * caps alone apply. The per-address cap is never above the total.
 */
export function connectionCaps(input: CapsInput): ConnectionCaps {
  const { limits, descriptorLimit } = input;
  for (const [k, v] of [
    ['descriptorLimit', descriptorLimit],
    ['p2pDescriptors', input.p2pDescriptors],
  ] as const) {
    if (v !== undefined && v !== null && !(Number.isInteger(v) && v >= 0))
      throw new RpcLimitsError(`invalid RPC limits: ${k} must be a non-negative integer, got ${v}`);
  }
  const measured =
    descriptorLimit === null || input.state === null ? undefined : (input.state ?? readDescriptorState());
  const state =
    measured && descriptorLimit !== undefined && descriptorLimit !== null
      ? { ...measured, limit: descriptorLimit }
      : measured;
  if (state === undefined)
    return {
      total: limits.maxConnections,
      perAddress: Math.min(limits.maxConnectionsPerAddress, limits.maxConnections),
      descriptors: undefined,
    };
  const p2pNeeds = input.p2pDescriptors ?? p2pDescriptorNeeds(input.p2pLimits);
  const budget = rpcDescriptorBudget(state, p2pNeeds);
  const total = Math.min(limits.maxConnections, budget);
  return {
    total,
    perAddress: Math.min(limits.maxConnectionsPerAddress, total),
    descriptors: { ...state, p2pNeeds, budget },
  };
}

/** One start-up line with the caps in force; a warning when the descriptor limit lowered them. */
export function logCaps(log: FastifyBaseLogger, caps: ConnectionCaps, configured: number): void {
  const d = caps.descriptors;
  const fields = {
    max_connections: caps.total,
    max_connections_per_address: caps.perAddress,
    fd_limit: d ? (Number.isFinite(d.limit) ? d.limit : 'unlimited') : null,
    fd_in_use: d?.inUse ?? null,
    p2p_fd_reserve: d?.p2pNeeds ?? null,
  };
  if (d && caps.total < configured) {
    log.warn(
      fields,
      `descriptor limit ${d.limit} leaves room for ${caps.total} RPC connections (not ${configured}) after the P2P reserve of ${d.p2pNeeds} and the ${d.inUse} descriptors open; raise it (ulimit -n) for more`,
    );
  } else {
    log.info(
      fields,
      `RPC connection caps: ${caps.total} open at once, ${caps.perAddress} per client address${d ? '' : ' (descriptor limit unknown: no /proc)'}`,
    );
  }
}
