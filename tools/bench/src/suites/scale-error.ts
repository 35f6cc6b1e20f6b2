/** Why a scale or network benchmark run could not produce its figures. */
export type ScaleBenchErrorCode =
  'CONNECTIONS_FAILED' | 'DELIVERIES_MISSING' | 'BASELINE_CHUNK_UNREADABLE' | 'NOT_CONVERGED' | 'WORKER_FAILED';

export class ScaleBenchError extends Error {
  constructor(
    readonly code: ScaleBenchErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ScaleBenchError';
  }
}
