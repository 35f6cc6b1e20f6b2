import { Answer } from './answer.js';
import { makeDiscoveryDatagram } from './datagram.js';
import type { DiscoveryEvent, DiscoveryStats } from './events.js';
import { type DiscoveryOptions, type ResolvedDiscoveryOptions, resolveDiscoveryOptions } from './options.js';
import { Sender } from './sender.js';

type Phase = 'idle' | 'starting' | 'running' | 'stopping';

/**
 * Local peer discovery (`p2p_discovery.ml`, as activated up to octez-v22.1): an answer worker that
 * registers the points other nodes announce on the discovery port, and a sender that broadcasts ours
 * with an exponential back-off, restarted by `wakeup`.
 *
 * `start` and `stop` may alternate any number of times; each start begins the sender's schedule
 * afresh. Counters accumulate over the instance's life.
 */
export class Discovery {
  private readonly opts: ResolvedDiscoveryOptions;
  private readonly answer: Answer;
  private readonly sender: Sender;
  private readonly counters = { sent: 0, received: 0, registered: 0, ignored: 0 };
  private phase: Phase = 'idle';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  /** Throws `DiscoveryError` (`INVALID_OPTIONS`, `PORT_NOT_ANNOUNCEABLE`) on bad options. */
  constructor(opts: DiscoveryOptions) {
    this.opts = resolveDiscoveryOptions(opts);
    const emit = (e: DiscoveryEvent) => this.emit(e);
    this.answer = new Answer({
      peerId: this.opts.peerId,
      bindAddr: this.opts.bindAddr,
      port: this.opts.discoveryPort,
      trusted: this.opts.trustDiscoveredPeers,
      register: this.opts.register,
      emit,
      count: (what) => this.counters[what]++,
    });
    this.sender = new Sender({
      datagram: makeDiscoveryDatagram(this.opts.peerId, this.opts.listeningPort),
      destination: { address: this.opts.discoveryAddr, port: this.opts.discoveryPort },
      clock: this.opts.clock,
      emit,
      countSent: () => this.counters.sent++,
    });
  }

  /**
   * Bind the answer socket (SO_REUSEADDR, SO_BROADCAST) and start the sender, whose first broadcast
   * is immediate. Resolves once bound; rejects with `BIND_FAILED` naming the address (nothing is
   * left running then, and `start` may be retried). Calling it again while started is a no-op.
   */
  start(): Promise<void> {
    if (this.phase === 'stopping') return this.stopping!.then(() => this.start());
    if (this.phase !== 'idle') return this.starting!;
    this.phase = 'starting';
    const starting = this.answer.start().then(
      () => {
        // A `stop` during the bind closes the socket, which rejects `open`; one racing the bind's
        // success has already taken over.
        if (this.starting !== starting) return;
        this.phase = 'running';
        this.sender.start();
      },
      (e: unknown) => {
        if (this.starting === starting) {
          this.phase = 'idle';
          this.starting = undefined;
        }
        throw e;
      },
    );
    this.starting = starting;
    return starting;
  }

  /** Octez `wakeup`: restart the sender's schedule, lost unless the sender is sleeping. */
  wakeup(): void {
    if (this.phase === 'running') this.sender.wakeup();
  }

  /** Close both sockets (and any broadcast socket in flight) and cancel the timer. Idempotent. */
  stop(): Promise<void> {
    if (this.phase === 'stopping') return this.stopping!;
    if (this.phase === 'idle') return Promise.resolve();
    this.phase = 'stopping';
    const starting = this.starting;
    this.starting = undefined;
    const stopping = Promise.all([
      this.sender.stop(),
      this.answer.stop(),
      // Let a `start` interrupted by this stop settle (it rejects) before we report stopped.
      starting?.catch(() => undefined),
    ]).then(() => {
      this.phase = 'idle';
      this.stopping = undefined;
    });
    this.stopping = stopping;
    return stopping;
  }

  /** Datagrams sent / received, and how the received ones were handled. */
  get stats(): DiscoveryStats {
    return { ...this.counters };
  }

  private emit(e: DiscoveryEvent): void {
    this.opts.bus?.report(e);
    const hook = this.opts.onEvent;
    if (hook === undefined) return;
    try {
      hook(e);
    } catch {
      // An observability hook must not break the worker.
    }
  }
}
