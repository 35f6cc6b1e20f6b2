/**
 * Messages between the fleet coordinator (fleet.ts) and its node processes (fleet-worker.ts), sent
 * over the fork IPC channel with structured-clone serialisation. The coordinator asks, a process
 * answers; a process never speaks unasked except to report a failure.
 */
import type { P2pLimits } from '@tezos-p2p/p2p';

export interface FleetPoint {
  readonly ip: string;
  readonly port: number;
}

export type FleetCommand =
  /** Generate the identities of nodes first … first + count - 1 (before the clock starts). */
  | {
      readonly type: 'init';
      readonly first: number;
      readonly count: number;
      readonly net: number;
      readonly limits: Partial<P2pLimits>;
    }
  /** Peer ids of every node of the network, by global index: neighbours are reported as indices. */
  | { readonly type: 'directory'; readonly peerIds: readonly string[] }
  /**
   * Start nodes first … first + count - 1 of this process's slice with these trusted points; with
   * `chain`, each also trusts the ones this command started before it (how the bootstrap peers know
   * each other).
   */
  | {
      readonly type: 'start';
      readonly first: number;
      readonly count: number;
      readonly trusted: readonly FleetPoint[];
      readonly chain: boolean;
    }
  | { readonly type: 'report' }
  | { readonly type: 'measure' }
  | { readonly type: 'stop' };

export type FleetReply =
  | { readonly type: 'identities'; readonly peerIds: readonly string[]; readonly idleBytes: number }
  | { readonly type: 'directory-set' }
  | { readonly type: 'started'; readonly points: readonly FleetPoint[] }
  | {
      readonly type: 'state';
      /** Per node of the slice, in index order: its running connections' peers as global indices (-1: not in the network). */
      readonly neighbours: readonly (readonly number[])[];
      /** Per node: how many of those connections it dialled. */
      readonly outgoing: readonly number[];
    }
  | {
      readonly type: 'memory';
      /** heapUsed + external after full collections, with the nodes running. */
      readonly bytes: number;
      /** The same before any node started (identities generated, modules loaded). */
      readonly idleBytes: number;
      readonly rss: number;
      readonly nodes: number;
    }
  | { readonly type: 'failed'; readonly message: string };
