import { shellMessageKindOfTag } from '@tezos-p2p/shell';
import type { Logger } from 'pino';
import type { AppMessageTally } from '../metrics/app-messages.js';
import type { NodeP2p } from '../rpc/index.js';
import { eachConnection } from './each-connection.js';

/** What `runDrain` dropped so far. */
export interface Drain {
  readonly done: Promise<void>;
  dropped(): { readonly messages: number; readonly bytes: number };
}

/**
 * Without `--echo` the node has no application (no shell): application messages are read and dropped
 * as they arrive — counted, one debug line each — instead of waiting in the connections' queues
 * until the memory budget stops every peer that talks to us. `tally` (the metrics') sees each one.
 */
export function runDrain(p2p: NodeP2p, signal: AbortSignal, log: Logger, tally?: AppMessageTally): Drain {
  let messages = 0;
  let bytes = 0;
  const done = eachConnection(p2p, signal, async (conn) => {
    for (;;) {
      let msg;
      try {
        msg = await conn.read();
      } catch {
        tally?.readFailed();
        return; // closed and drained
      }
      tally?.received();
      messages++;
      bytes += msg.payload.length;
      log.debug(
        {
          peer_id: conn.peerId,
          tag: msg.tag,
          kind: shellMessageKindOfTag(msg.tag) ?? 'unknown',
          bytes: msg.payload.length,
        },
        'application message dropped (no application)',
      );
    }
  });
  return { done, dropped: () => ({ messages, bytes }) };
}
