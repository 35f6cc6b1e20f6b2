/**
 * Our side of the peer comparison, measured exactly as the connection suite measures it (same
 * receiver worker, same dial, same sender loop), so that the peer-libp2p suite can put our figure
 * and js-libp2p's side by side from one run.
 */
import { connect } from 'node:net';
import { type Identity, generateIdentity, getCryptoBackend } from '@tezos-p2p/crypto';
import { type Connection, IoScheduler, establish } from '@tezos-p2p/connection';
import {
  announcedVersion,
  type RawAppMessage,
  p2pMessageEncoding,
  rawAppMessages,
  shellConnectionMetadataConfig,
} from '@tezos-p2p/wire';
import type { ReceiverEvent, ReceiverInput } from '../workers/receiver.js';
import { WorkerEvents } from '../worker-events.js';

const CHAIN = 'TEZOS_BENCH';
const encoding = p2pMessageEncoding<RawAppMessage>({ opaque: rawAppMessages });

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
    const input: ReceiverInput = { backend: 'native', chainName: CHAIN };
    const receiver = new WorkerEvents<ReceiverEvent>(new URL('../workers/receiver.js', import.meta.url), input);
    const { port } = await receiver.next('listening');
    return new OursPeer(receiver, port, await generateIdentity({ difficulty: 0, workers: 0 }));
  }

  async dial(scheduler: IoScheduler): Promise<Connection<RawAppMessage>> {
    const socket = connect(this.port, '127.0.0.1');
    await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
    socket.setNoDelay(true);
    return establish(socket, {
      identity: this.identity,
      version: announcedVersion(CHAIN),
      metadata: shellConnectionMetadataConfig(),
      incoming: false,
      expectedProofOfWork: 0,
      messageEncoding: encoding,
      scheduler,
      maxMessageSize: 8 << 20,
      backend: getCryptoBackend('native'),
    }) as Promise<Connection<RawAppMessage>>;
  }

  /** `size`-byte messages for `seconds`, then a marker: payload bytes/s from first send to the marker's receipt. */
  async throughput(conn: Connection<RawAppMessage>, size: number, seconds: number): Promise<Rates> {
    const payload = new Uint8Array(size).fill(0x5a);
    const frame = conn.encodeMessage({ kind: 'Message', message: { tag: 0x10, payload } });
    const start = performance.timeOrigin + performance.now();
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      for (let i = 0; i < 64; i++) {
        if (!conn.trySendEncoded(frame)) await conn.sendEncoded(frame);
      }
    }
    await conn.send({ kind: 'Message', message: { tag: 0x11, payload: new Uint8Array(0) } });
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

export interface HandshakeRate {
  readonly perSec: number;
  /** CPU time of the whole process (both ends: sender thread and receiver worker) per handshake. */
  readonly cpuMicrosEach: number;
}

/** Run `inFlight` lanes, each calling `once(lane)` back to back, for `seconds`. */
export async function countHandshakes(
  seconds: number,
  inFlight: number,
  once: (lane: number) => Promise<void>,
): Promise<HandshakeRate> {
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lane = async (index: number) => {
    while (performance.now() < end) {
      await once(index);
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, i) => lane(i)));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSec: done / elapsed, cpuMicrosEach: (cpu.user + cpu.system) / done };
}
