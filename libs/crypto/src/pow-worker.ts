/**
 * Worker-thread entry of the proof-of-work search: runs one lane and reports progress until the
 * coordinator terminates it. Messages: `{ type: 'progress', checked }` and `{ type: 'found', step }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type LaneParams, createLane } from './pow-lane.js';

export interface WorkerInput extends LaneParams {
  readonly reportEvery: number;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly checked: number }
  | { readonly type: 'found'; readonly step: number; readonly checked: number };

const input = workerData as WorkerInput;
const lane = createLane(input);
const port = parentPort!;

function loop(): void {
  if (lane.run(input.reportEvery)) {
    port.postMessage({ type: 'found', step: lane.cursor.found!, checked: lane.cursor.checked } satisfies WorkerMessage);
    return;
  }
  port.postMessage({ type: 'progress', checked: lane.cursor.checked } satisfies WorkerMessage);
  // Yield between batches so the thread stays responsive to termination.
  setImmediate(loop);
}
loop();
