/**
 * js-libp2p's side of the peer comparison: TCP + Noise + yamux, a receiver in a worker thread
 * (workers/libp2p-receiver.ts), measured the way peer-ours.ts measures us.
 */
import type { Connection } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { Libp2p } from 'libp2p';
import type { Libp2pReceiverEvent } from '../workers/libp2p-receiver.js';
import { BENCH_PROTOCOL, type Libp2pKit, loadLibp2p } from '../workers/libp2p-env.js';
import { type HandshakeRate, countHandshakes } from '../harness.js';
import type { Rates } from './peer-ours.js';
import { WorkerEvents } from '../worker-events.js';

export class Libp2pPeer {
  private constructor(
    private readonly kit: Libp2pKit,
    readonly receiver: WorkerEvents<Libp2pReceiverEvent>,
    private readonly target: Multiaddr,
    /** One node per lane: a node joins concurrent dials to the same peer into one, even forced. */
    private readonly clients: Libp2p[],
  ) {}

  static async start(lanes: number): Promise<Libp2pPeer> {
    const kit = await loadLibp2p();
    const receiver = new WorkerEvents<Libp2pReceiverEvent>(new URL('../workers/libp2p-receiver.js', import.meta.url));
    const { multiaddr } = await receiver.next('listening');
    const clients = await Promise.all(Array.from({ length: lanes }, () => kit.createNode(false)));
    return new Libp2pPeer(kit, receiver, kit.multiaddr(multiaddr), clients);
  }

  dial(lane = 0): Promise<Connection> {
    // `force`: a connection being closed would otherwise be handed back instead of a new one.
    return this.clients[lane]!.dial(this.target, { force: true });
  }

  /**
   * `size`-byte messages on a new stream for `seconds`, then an empty message as the marker: payload
   * bytes/s from first send to the marker's receipt. Messages are framed with it-length-prefixed and
   * written one by one, as a libp2p protocol (identify, gossipsub) sends them.
   */
  async throughput(conn: Connection, size: number, seconds: number): Promise<Rates> {
    const stream = await conn.newStream(BENCH_PROTOCOL);
    const payload = new Uint8Array(size).fill(0x5a);
    const start = performance.timeOrigin + performance.now();
    const end = performance.now() + seconds * 1000;
    async function* messages(): AsyncGenerator<Uint8Array> {
      while (performance.now() < end) {
        for (let i = 0; i < 64; i++) yield payload;
      }
      yield new Uint8Array(0);
    }
    await stream.sink(this.kit.lp.encode(messages()));
    const done = await this.receiver.next('done');
    const elapsed = (done.at - start) / 1000;
    return { bytesPerSec: done.bytes / elapsed, msgsPerSec: done.messages / elapsed };
  }

  /** Connections fully established (TCP, Noise XX, yamux selected) per second, one lane per client node. */
  handshakes(seconds: number): Promise<HandshakeRate> {
    // Abort, not close: ours drops the socket too, and a graceful close would wait for the peer.
    return countHandshakes(seconds, this.clients.length, async (lane) => {
      const c = await this.dial(lane);
      c.abort(new Error('handshake measured'));
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.stop()));
    await this.receiver.stop();
  }
}
