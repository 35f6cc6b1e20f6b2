import { readFileSync, readdirSync } from 'node:fs';
import type { P2pLimits } from '@tezos-p2p/workers';

/**
 * Descriptors the P2P layer may open beyond its connections, counted on top of those already open
 * when the RPC server starts: peers.json and identity writes, the discovery UDP socket, outgoing
 * dials being refused, DNS look-ups, telemetry exports, log files, and incoming sockets accepted
 * only to be closed (over `maxIncomingConnections`).
 */
export const P2P_DESCRIPTOR_MARGIN = 64;

/**
 * What the P2P layer must always be able to open: its connections, the handshakes in progress, the
 * sockets waiting in its listen backlog once accepted, and `P2P_DESCRIPTOR_MARGIN`.
 */
export function p2pDescriptorNeeds(
  l: Pick<P2pLimits, 'maxConnections' | 'maxIncomingConnections' | 'backlog'>,
): number {
  return l.maxConnections + l.maxIncomingConnections + l.backlog + P2P_DESCRIPTOR_MARGIN;
}

/**
 * The soft `RLIMIT_NOFILE` from the text of /proc/self/limits (Node has no getrlimit): the first
 * figure of the "Max open files" row, `Infinity` for "unlimited". Undefined when the row is absent
 * or unreadable.
 */
export function parseOpenFilesLimit(limitsText: string): number | undefined {
  const row = limitsText.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = row?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === 'unlimited') return Infinity;
  if (soft === undefined || !/^\d+$/.test(soft)) return undefined;
  return Number(soft);
}

/** The process's descriptor limit and how many it has open now, or undefined without /proc (not Linux, or not mounted). */
export interface DescriptorState {
  readonly limit: number;
  readonly inUse: number;
}

export function readDescriptorState(): DescriptorState | undefined {
  try {
    const limit = parseOpenFilesLimit(readFileSync('/proc/self/limits', 'utf8'));
    if (limit === undefined) return undefined;
    // The listing holds the directory's own descriptor, open while it is read: counted, harmlessly.
    return { limit, inUse: readdirSync('/proc/self/fd').length };
  } catch {
    return undefined;
  }
}

/**
 * RPC connections that fit in what is left of the limit once the P2P layer's needs and the
 * descriptors open at start are set aside. Never below 1, so that the node can still be asked
 * what is wrong: the margin covers that one.
 */
export function rpcDescriptorBudget(state: DescriptorState, p2pNeeds: number): number {
  const left = state.limit - p2pNeeds - state.inUse;
  return Number.isFinite(left) ? Math.max(1, Math.floor(left)) : Infinity;
}
