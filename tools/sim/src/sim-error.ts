import { CodedErrorOf } from '@tezos-p2p/encoding';

/** Why a simulation could not run (a network that does not converge is a result, not an error). */
export type SimErrorCode =
  /** Options out of range: fewer than 2 nodes, more processes than nodes, more bootstrap peers than nodes … */
  | 'SIM_INVALID_OPTIONS'
  /** A node process reported a failure (a node could not start, a command threw). */
  | 'SIM_PROCESS_FAILED'
  /** A node process exited before the simulation ended. */
  | 'SIM_PROCESS_EXITED';

export class SimError extends CodedErrorOf<SimErrorCode> {
  override readonly name = 'SimError';
}
