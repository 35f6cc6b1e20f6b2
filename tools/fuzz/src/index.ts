/**
 * @packageDocumentation
 * Fuzz targets for every decoder of the libs and for the handshake state machine, a runner that
 * counts findings over a seeded run (any case rebuilt from its seed and index), an allocation probe,
 * and a worker-thread driver for the bench's long runs.
 */
export {
  type FuzzTarget,
  type AllocationSpec,
  type Finding,
  OracleViolation,
  isTypedError,
  untypedReason,
  errorCode,
  hex,
  showJson,
} from './target.js';
export { allTargets, targetByName, TARGET_NAMES } from './targets/index.js';
export { runTarget, describeFindings, type RunOptions, type RunResult } from './runner.js';
export { generateCase, caseSeed } from './generate.js';
export { probeAllocation, type AllocationOptions, type AllocationResult } from './allocation.js';
export { runInWorkers, workerExecArgv, type ParallelOptions, type TargetOutcome } from './parallel.js';
export { decoderTarget, type DecoderTargetOptions } from './decoder-target.js';
export { hugeClaims } from './claims.js';
export { FakeClock, settlesWithin } from './timers.js';
