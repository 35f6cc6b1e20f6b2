import { shellMessageKindOfTag } from '@tezos-p2p/shell';
import type { Logger } from 'pino';
import type { AppMessageTally } from '../metrics/app-messages.js';
import type { NodeP2p } from '../rpc/index.js';
import { type NodeConn, eachConnection } from './each-connection.js';

/**
 * `--echo`: answer each application message with the same (tag, bytes), on the connection it came
 * from. Every connection echoes on its own: a peer that does not read blocks only its own echo — its
 * write queue fills, its messages wait in the read budget, its socket pauses — never another peer's.
 * A peer that vanished in between is not an error of ours; the loops end with the P2P layer. `tally`
 * (the metrics') sees what is read and sent.
 */
export function runEcho(p2p: NodeP2p, signal: AbortSignal, log: Logger, tally?: AppMessageTally): Promise<void> {
  return eachConnection(p2p, signal, (conn) => echoConnection(p2p, conn, log, tally));
}

/**
 * One connection's echo. The message is read leased: its bytes stay in the read budget until its
 * echo is queued (then in the write budget), so a message waiting for room to go back is accounted
 * too, and a peer can make the echo hold no more than the budgets allow.
 */
async function echoConnection(p2p: NodeP2p, conn: NodeConn, log: Logger, tally?: AppMessageTally): Promise<void> {
  for (;;) {
    let leased;
    try {
      leased = await conn.readLeased();
    } catch {
      tally?.readFailed();
      return; // closed and drained
    }
    tally?.received();
    const msg = leased.value;
    try {
      // Counted when handed over, delivered or not, as Octez's `P2p_conn.write` counts.
      tally?.sent();
      await p2p.send(conn, msg);
      log.debug(
        {
          peer_id: conn.peerId,
          tag: msg.tag,
          kind: shellMessageKindOfTag(msg.tag) ?? 'unknown',
          bytes: msg.payload.length,
        },
        'echoed application message',
      );
    } catch (e) {
      log.debug({ peer_id: conn.peerId, err: e instanceof Error ? e.message : String(e) }, 'echo not delivered');
    } finally {
      leased.release();
    }
  }
}
