import { P2pError } from '@tezos-p2p/p2p';
import { shellMessageKindOfTag } from '@tezos-p2p/shell';
import type { Logger } from 'pino';
import type { NodeP2p } from '../rpc/index.js';

/**
 * `--echo`: answer each application message with the same (tag, bytes), on the connection it came
 * from. A peer that vanished in between is not an error of ours; the loop ends with the P2P layer
 * or the signal.
 */
export async function runEcho(p2p: NodeP2p, signal: AbortSignal, log: Logger): Promise<void> {
  for (;;) {
    let received;
    try {
      received = await p2p.recvAny(signal);
    } catch (e) {
      if (signal.aborted || (e instanceof P2pError && e.code === 'P2P_SHUT_DOWN')) return;
      throw e;
    }
    const { conn, msg } = received;
    try {
      await p2p.send(conn, msg);
      log.debug({ peer_id: conn.peerId, tag: msg.tag, kind: shellMessageKindOfTag(msg.tag) ?? 'unknown', bytes: msg.payload.length }, 'echoed application message');
    } catch (e) {
      log.debug({ peer_id: conn.peerId, err: e instanceof Error ? e.message : String(e) }, 'echo not delivered');
    }
  }
}
