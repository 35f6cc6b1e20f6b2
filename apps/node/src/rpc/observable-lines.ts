import { BoundedConsumer, ConsumerOverflowError } from '@tezos-p2p/events';
import type { Observable } from 'rxjs';
import { jsonLine } from './json-lines.js';
import type { Abort, LineSource } from './streams.js';

/**
 * A stream answer fed by an observable: each value is one JSON line. As `/network/log`, values the
 * client has not read yet are held up to `capacity`; beyond, the stream is cut rather than left with
 * a hole.
 */
export function observableLines(values$: Observable<unknown>, abort: Abort, capacity: number): LineSource {
  const consumer = new BoundedConsumer<string>(capacity);
  const sub = values$.subscribe((v) => {
    consumer.offer(jsonLine(v));
    if (consumer.closed && consumer.overflows > 0)
      abort(new ConsumerOverflowError(`client fell ${capacity} values behind`));
  });
  return {
    lines: consumer,
    close: () => {
      sub.unsubscribe();
      consumer.close();
    },
  };
}
