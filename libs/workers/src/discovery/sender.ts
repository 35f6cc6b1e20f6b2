import { type Socket, createSocket } from 'node:dgram';
import type { Clock, TimerHandle } from '@tezos-p2p/events';
import { errorMessage } from './errors.js';
import type { DiscoveryEvent, DiscoveryEndpoint } from './events.js';
import { INITIAL_SENDER_CONFIG, type SenderConfig, afterSleep, onCompletion } from './schedule.js';
import { closeSocket } from './udp.js';

export interface SenderParams {
  readonly datagram: Uint8Array;
  readonly destination: DiscoveryEndpoint;
  readonly clock: Clock;
  readonly emit: (e: DiscoveryEvent) => void;
  readonly countSent: () => void;
}

/**
 * The sender worker (`P2p_discovery.Sender`). Each iteration broadcasts once from a fresh socket,
 * then waits for the first of a restart signal (`wakeup`) or its delay, and `onCompletion` computes
 * the next config.
 *
 * The broadcast is started, not awaited, before the wait begins: a UDP send completes at once, and
 * not depending on I/O completion keeps the schedule exact on a fake clock. Between the end of a
 * wait and the next wait there is a microtask hop; a wakeup then is lost, as `Lwt_condition.signal`
 * is when nobody waits.
 */
export class Sender {
  private config: SenderConfig = INITIAL_SENDER_CONFIG;
  private timer: TimerHandle | undefined;
  /** Bumped by start/stop so that a stale continuation does nothing. */
  private generation = 0;
  private running = false;
  /** Broadcast sockets not yet closed, closed by `stop`. */
  private readonly inFlight = new Set<Socket>();

  constructor(private readonly p: SenderParams) {}

  /** Start from `Config.initial`: the first broadcast is immediate. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.config = INITIAL_SENDER_CONFIG;
    this.iterate(++this.generation);
  }

  /** `Lwt_condition.signal restart_discovery`: taken only while the sender sleeps. */
  wakeup(): void {
    if (this.timer === undefined) return;
    this.p.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.complete(INITIAL_SENDER_CONFIG, this.generation);
  }

  /** Stop the loop and close the broadcast sockets still open. */
  stop(): Promise<void> {
    this.running = false;
    this.generation++;
    if (this.timer !== undefined) this.p.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const sockets = [...this.inFlight];
    this.inFlight.clear();
    return Promise.all(sockets.map(closeSocket)).then(() => undefined);
  }

  private iterate(gen: number): void {
    if (gen !== this.generation) return;
    const config = this.config;
    this.broadcast();
    if (gen !== this.generation) return; // stopped from an event hook
    this.timer = this.p.clock.setTimeout(() => {
      this.timer = undefined;
      this.complete(afterSleep(config), gen);
    }, config.delayMs);
  }

  private complete(result: SenderConfig, gen: number): void {
    this.config = onCompletion(result);
    queueMicrotask(() => this.iterate(gen));
  }

  /** `broadcast_message`: one datagram from a fresh SO_BROADCAST socket; failures are only reported. */
  private broadcast(): void {
    const { destination, datagram } = this.p;
    const gen = this.generation;
    this.p.emit({ kind: 'broadcast_message', destination });
    if (gen !== this.generation) return; // stopped from the event hook
    let socket: Socket;
    try {
      socket = createSocket({ type: 'udp4' });
    } catch (e) {
      this.p.emit({ kind: 'broadcast_error', destination, error: errorMessage(e) });
      return;
    }
    this.inFlight.add(socket);
    const finish = (err?: unknown) => {
      // Already finished, or closed by `stop` (whose close may fail the send: not worth reporting).
      if (!this.inFlight.delete(socket)) return;
      void closeSocket(socket);
      if (err) this.p.emit({ kind: 'broadcast_error', destination, error: errorMessage(err) });
      else this.p.countSent();
    };
    // Kept for the socket's whole life: an unhandled 'error' would crash the process.
    socket.on('error', finish);
    // Node only sets SO_BROADCAST on a bound socket; without it a send to a broadcast address fails
    // (EACCES). Octez `connect`s then `sendto`s; an unconnected send reaches the same destination.
    socket.bind(0, () => {
      try {
        socket.setBroadcast(true);
      } catch (e) {
        finish(e);
        return;
      }
      try {
        socket.send(datagram, destination.port, destination.address, (err) => finish(err ?? undefined));
      } catch (e) {
        finish(e);
      }
    });
  }
}
