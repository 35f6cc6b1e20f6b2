import { type Observable, Subject, type Subscription } from 'rxjs';
import type { PeerId, Point } from '@tezos-p2p/wire';
import { BoundedConsumer } from './bounded-consumer.js';
import type { P2pEvent, P2pEventKind } from './p2p-event.js';
import type { P2pReport } from './p2p-report.js';

/**
 * The conditions workers wait on (`P2p_trigger`): Octez broadcasts them without memory, so a trigger
 * fired while nobody listens is lost — the same holds here.
 */
export interface Triggers {
  readonly newPoint$: Observable<Point>;
  readonly newPeer$: Observable<PeerId>;
  readonly tooFewConnections$: Observable<void>;
  readonly tooManyConnections$: Observable<void>;
}

export type TriggerName = 'newPoint' | 'newPeer' | 'tooFewConnections' | 'tooManyConnections';
type TriggerValue<N extends TriggerName> = N extends 'newPoint' ? Point : N extends 'newPeer' ? PeerId : void;

export interface ConsumeOptions {
  /** Items buffered; one more and the consumer is ended with `ConsumerOverflowError` (default 1024). */
  readonly capacity?: number;
  /** Only these kinds (default all). */
  readonly kinds?: readonly P2pEventKind[];
}

/**
 * The typed event bus the libraries talk through.
 *
 * Back-pressure is a decision, not an accident: in-process subscribers (the workers) are called
 * synchronously and must not block — they react or schedule work. Consumers that may fall behind
 * (RPC streams) take a `BoundedConsumer` from `consume()`: a fixed-size buffer that is closed with
 * `ConsumerOverflowError` when it overflows, so a slow reader can neither stall the node nor grow its
 * memory.
 *
 * Publishing from inside a subscriber is safe: events (and triggers) published during a dispatch are
 * queued and delivered after it, in publication order, to every subscriber — no recursion, no
 * reordering between subscribers.
 */
export class EventBus {
  private readonly events = new Subject<P2pEvent>();
  private readonly reports = new Subject<P2pReport>();
  private readonly triggerSubjects = {
    newPoint: new Subject<Point>(),
    newPeer: new Subject<PeerId>(),
    tooFewConnections: new Subject<void>(),
    tooManyConnections: new Subject<void>(),
  };
  private readonly pending: (() => void)[] = [];
  private dispatching = false;
  private closed = false;
  private readonly consumers = new Set<BoundedConsumer<P2pEvent>>();
  /** Events published so far. */
  published = 0;

  readonly events$: Observable<P2pEvent> = this.events.asObservable();
  /** The workers' reports (not `P2pEvent`s: never on `/network/log`), in the same order queue as the events. */
  readonly reports$: Observable<P2pReport> = this.reports.asObservable();
  readonly triggers: Triggers = {
    newPoint$: this.triggerSubjects.newPoint.asObservable(),
    newPeer$: this.triggerSubjects.newPeer.asObservable(),
    tooFewConnections$: this.triggerSubjects.tooFewConnections.asObservable(),
    tooManyConnections$: this.triggerSubjects.tooManyConnections.asObservable(),
  };

  private run(task: () => void): void {
    if (this.closed) return;
    this.pending.push(task);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let t = this.pending.shift(); t !== undefined; t = this.pending.shift()) t();
    } finally {
      this.dispatching = false;
    }
  }

  publish(e: P2pEvent): void {
    this.run(() => {
      this.published++;
      this.events.next(e);
    });
  }

  /** Publish a worker's report; queued with the events, so both streams keep their relative order. */
  report(r: P2pReport): void {
    this.run(() => this.reports.next(r));
  }

  trigger<N extends TriggerName>(name: N, ...value: TriggerValue<N> extends void ? [] : [TriggerValue<N>]): void {
    this.run(() => (this.triggerSubjects[name] as Subject<unknown>).next(value[0]));
  }

  /** A bounded asynchronous view of the events for a consumer that may fall behind. */
  consume(opts: ConsumeOptions = {}): BoundedConsumer<P2pEvent> {
    const kinds = opts.kinds ? new Set(opts.kinds) : undefined;
    // The consumer unsubscribes itself when closed, so it needs the subscription made after it.
    const link: { sub?: Subscription } = {};
    const c = new BoundedConsumer<P2pEvent>(opts.capacity ?? 1024, () => {
      link.sub?.unsubscribe();
      this.consumers.delete(c);
    });
    this.consumers.add(c);
    link.sub = this.events.subscribe({
      next: (e) => (kinds === undefined || kinds.has(e.kind) ? c.offer(e) : undefined),
      complete: () => c.end(),
    });
    return c;
  }

  /** Live subscriptions on the event stream and on every trigger (for leak checks). */
  get subscriberCount(): number {
    let n = countObservers(this.events) + countObservers(this.reports);
    for (const s of Object.values(this.triggerSubjects)) n += countObservers(s);
    return n;
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  /** Complete every stream; later publications are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.complete();
    this.reports.complete();
    for (const s of Object.values(this.triggerSubjects)) s.complete();
  }
}

function countObservers(s: { readonly observers: readonly unknown[] }): number {
  // rxjs 7 keeps its observers in a public (deprecated but stable) array; only used to count.
  return s.observers.length;
}
