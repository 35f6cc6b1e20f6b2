import { watchParent } from './parent-watch.js';

/**
 * SIGINT / SIGTERM handling for long-running commands: the first signal asks for a clean stop
 * (the returned signal aborts); a second one while stopping exits at once with 128 + signal number,
 * for the operator whose peer will not let go. The disappearance of the npm process that started us
 * (`npx tzp2p`, which does not pass signals on) is a stop request too (parent-watch.ts).
 */
export function stopOnSignals(
  onSecond: (signal: NodeJS.Signals) => void = (s) => process.exit(s === 'SIGINT' ? 130 : 143),
  env: NodeJS.ProcessEnv = process.env,
): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (s: NodeJS.Signals) => {
    if (controller.signal.aborted) onSecond(s);
    else controller.abort(new Error(`received ${s}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  const unwatch = watchParent((reason) => {
    if (!controller.signal.aborted) controller.abort(new Error(reason));
  }, env);
  return {
    signal: controller.signal,
    dispose: () => {
      unwatch();
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export function aborted(signal: AbortSignal): Promise<void> {
  return signal.aborted
    ? Promise.resolve()
    : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
