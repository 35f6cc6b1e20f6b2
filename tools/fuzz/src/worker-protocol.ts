import type { AllocationResult } from './allocation.js';
import type { RunResult } from './runner.js';

/** What `runInWorkers` sends a worker: one target to run. */
export interface WorkerJob {
  readonly target: string;
  readonly cases: number;
  readonly seed: number;
  /** Cases of the allocation probe after the run (0: none). */
  readonly allocationCases: number;
}

export type WorkerMessage =
  | { readonly kind: 'progress'; readonly target: string; readonly done: number }
  | { readonly kind: 'result'; readonly run: RunResult; readonly allocation: AllocationResult | undefined }
  | { readonly kind: 'error'; readonly target: string; readonly message: string };
