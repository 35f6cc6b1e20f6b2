import { BoundedConsumer, ConsumerOverflowError } from '@tezos-p2p/events';
import type { Observable } from 'rxjs';
import { LOG_STREAM_CAPACITY } from './event-log.js';
import { jsonLine } from './json-lines.js';
import type { Abort, LineSource } from './streams.js';

/** A point's or peer's event ring as the pool keeps it: what is stored, and each entry as it is added. */
export interface WatchedRing<T> {
  toArray(): readonly T[];
  watch(): Observable<T>;
}

/**
 * `GET /network/{peers,points}/<id>/log?monitor`: the stored log as the first element, then each new
 * event as a one-element array (`p2p_directory.ml`, fed by `Info.watch`). The watch starts before the
 * ring is read, in the same turn, so nothing falls between the two. A client more than
 * `capacity` events behind is cut, as `/network/log` is: a log is complete or nothing. The stream ends
 * when `until` completes (the node's event stream, when the node stops).
 */
export function ringMonitorSource<T>(
  until: Observable<unknown>,
  ring: WatchedRing<T>,
  toJson: (e: T) => unknown,
  abort: Abort,
  capacity = LOG_STREAM_CAPACITY,
): LineSource {
  const consumer = new BoundedConsumer<T>(capacity);
  const watch = ring.watch().subscribe((e) => {
    consumer.offer(e);
    if (consumer.overflows === 0) return;
    watch.unsubscribe();
    abort(new ConsumerOverflowError(`client fell ${capacity} events behind`));
  });
  const stop = until.subscribe({ complete: () => consumer.end() });
  const first = ring.toArray();
  async function* lines(): AsyncGenerator<string> {
    yield jsonLine(first.map(toJson));
    for await (const e of consumer) yield jsonLine([toJson(e)]);
  }
  return {
    lines: lines(),
    close: () => {
      watch.unsubscribe();
      stop.unsubscribe();
      consumer.close();
    },
  };
}
