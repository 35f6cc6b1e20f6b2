import { ConsumerOverflowError, p2pEventToJson } from '@tezos-p2p/events';
import { jsonLine } from './json-lines.js';
import type { Abort, LineSource } from './streams.js';
import type { NodeP2p } from './types.js';

/** Events a `/network/log` client may fall behind by before it is cut (the bus's default capacity). */
export const LOG_STREAM_CAPACITY = 1024;

/**
 * `GET /network/log`: every pool event from now on, one JSON value each. A bounded consumer holds what
 * the client has not read yet; when it overflows the stream is cut rather than left with a hole (a log
 * must be complete or nothing). `Maintenance_started` / `_ended` are skipped: Octez's
 * `P2p_event.encoding` has no case for them.
 */
export function eventLogSource(p2p: NodeP2p, abort: Abort, capacity = LOG_STREAM_CAPACITY): LineSource {
  const consumer = p2p.consumeEvents(capacity);
  // The consumer reports an overflow only to its next read, which a stalled client never asks for:
  // watch for it so the connection is dropped at once instead of lingering on a dead stream.
  const watchdog = p2p.events$.subscribe(() => {
    if (consumer.closed && consumer.overflows > 0)
      abort(new ConsumerOverflowError(`client fell ${capacity} events behind`));
  });
  async function* lines(): AsyncGenerator<string> {
    for await (const e of consumer) {
      const j = p2pEventToJson(e);
      if (j !== undefined) yield jsonLine(j);
    }
  }
  return {
    lines: lines(),
    close: () => {
      watchdog.unsubscribe();
      consumer.close();
    },
  };
}
