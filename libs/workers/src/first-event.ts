import type { Observable } from 'rxjs';

/**
 * The first value of `source`, unsubscribing as soon as it arrives or `signal` aborts (then resolving
 * `undefined`). Unlike `firstValueFrom` in a race, the losing subscription never lingers.
 */
export function firstEvent<T>(source: Observable<T>, signal: AbortSignal): Promise<T | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    let done = false;
    const finish = (v: T | undefined) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      sub?.unsubscribe();
      resolve(v);
    };
    const onAbort = () => finish(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    const sub = source.subscribe({ next: (v) => finish(v), complete: () => finish(undefined) });
    if (done) sub.unsubscribe();
  });
}

/**
 * A controller aborted when `parent` aborts — at once if it already has (an 'abort' listener added to
 * an aborted signal never fires). `release` detaches it from the parent.
 */
export function childController(parent: AbortSignal): { controller: AbortController; release: () => void } {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, release: () => undefined };
  }
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onAbort, { once: true });
  return { controller, release: () => parent.removeEventListener('abort', onAbort) };
}
