/**
 * Our side of the peer comparison, measured exactly as the connection suite measures it (same
 * receiver worker, same dial, same sender loop), so that the peer-libp2p suite can put our figure
 * and js-libp2p's side by side from one run.
 */
import { type Identity, generateIdentity } from '@tezos-p2p/crypto';
import { type Connection, IoScheduler } from '@tezos-p2p/connection';
import type { RawAppMessage } from '@tezos-p2p/wire';
import { dialBench, sendForThroughput } from '../bench-connection.js';
import { type HandshakeRate, countHandshakes } from '../harness.js';
import type { ReceiverEvent, ReceiverInput } from '../workers/receiver.js';
import { WorkerEvents } from '../worker-events.js';

export interface Rates {
  readonly bytesPerSec: number;
  readonly msgsPerSec: number;
}

/** Our receiver (workers/receiver.ts, native backend) and one outgoing connection to it. */
export class OursPeer {
  private constructor(
    readonly receiver: WorkerEvents<ReceiverEvent>,
    readonly port: number,
    readonly identity: Identity,
  ) {}

  static async start(): Promise<OursPeer> {
    const input: ReceiverInput = { backend: 'native' };
    const receiver = new WorkerEvents<ReceiverEvent>(new URL('../workers/receiver.js', import.meta.url), input);
    const { port } = await receiver.next('listening');
    return new OursPeer(receiver, port, await generateIdentity({ difficulty: 0, workers: 0 }));
  }

  dial(scheduler: IoScheduler): Promise<Connection<RawAppMessage>> {
    return dialBench(this.port, this.identity, 'native', scheduler);
  }

  /** `size`-byte messages for `seconds`, then a marker: payload bytes/s from first send to the marker's receipt. */
  async throughput(conn: Connection<RawAppMessage>, size: number, seconds: number): Promise<Rates> {
    const start = await sendForThroughput(conn, size, seconds);
    const done = await this.receiver.next('done');
    const elapsed = (done.at - start) / 1000;
    return { bytesPerSec: done.bytes / elapsed, msgsPerSec: done.messages / elapsed };
  }

  /** Connections fully established (TCP, authenticate, Ack both ways) per second, `inFlight` at a time. */
  async handshakes(seconds: number, inFlight: number): Promise<HandshakeRate> {
    const scheduler = new IoScheduler();
    return countHandshakes(seconds, inFlight, async () => (await this.dial(scheduler)).close());
  }
}
