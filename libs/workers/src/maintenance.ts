import {
  type Clock,
  type EventBus,
  type MaintenanceMotive,
  type MaintenanceReport,
  type Rng,
  reportedError,
  shuffled,
  sleep,
} from '@tezos-p2p/events';
import type { Pool, PointInfo } from '@tezos-p2p/pool';
import type { Point } from '@tezos-p2p/wire';
import { merge, map, type Observable } from 'rxjs';
import type { Span } from '@opentelemetry/api';
import { linkToConnection } from './connection-span.js';
import { childController, firstEvent } from './first-event.js';
import type { ConnectHandler } from './connect-handler.js';
import type { MaintenanceBounds } from './limits.js';
import type { P2pConn } from './p2p-conn.js';
import { tracer } from './tracer.js';

export type { MaintenanceMotive, MaintenanceReport };

export interface MaintenanceOptions<M, PM, CM> {
  readonly pool: Pool<P2pConn<M, CM>, PM, CM>;
  readonly connectHandler: ConnectHandler<M, PM, CM>;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly bounds: MaintenanceBounds;
  /** `maintenance_idle_time`. */
  readonly idleTimeMs: number;
  readonly privateMode: boolean;
  /**
   * `--disable-p2p-swap` (`swap_linger` = None): propose no swap either. Octez v25.1 documents this
   * but still sends swap requests (only its test-only `trigger_swap` stops them); CONFORMANCE.md.
   */
  readonly swapDisabled?: boolean;
  /** Octez's `time_between_looking_for_peers` (5 s). */
  readonly lookForPeersDelayMs?: number;
  /** Woken when more contacts are needed (LAN discovery). */
  readonly discovery?: { wakeup(): void } | undefined;
}

const LOOK_FOR_PEERS_DELAY_MS = 5000;
/** Pause before restarting a maintenance loop that threw (no busy loop on a persistent failure). */
const RESTART_DELAY_MS = 1000;

/**
 * `P2p_maintenance`: keeps the number of connections between the thresholds (min/expected/max
 * 10/50/100 give 23/36/68/84). A step runs at activation, every `idleTimeMs`, on the too-few and
 * too-many triggers and on request; below the low threshold it dials known points (never-missed
 * first, then the longest-missed, honouring back-off) and asks its peers for more; above the high
 * threshold it closes random connections down to the target; in between it proposes a swap.
 */
export class Maintenance<M, PM, CM> {
  private readonly stopper = new AbortController();
  private readonly pleaseMaintain = new Set<() => void>();
  private readonly justMaintained = new Set<() => void>();
  private running: Promise<void> | undefined;
  /** The `p2p.maintenance` span of the step in progress: it links to the connections the step opens and drops. */
  private stepSpan: Span | undefined;

  constructor(private readonly o: MaintenanceOptions<M, PM, CM>) {}

  /** Start the worker: a first step at once, then wait for the timer or a trigger. */
  start(): void {
    if (this.running) return;
    this.running = this.supervise();
  }

  /**
   * The loop, started again (after `RESTART_DELAY_MS`) when it throws: a failure is reported on the
   * bus (`worker_failed`), never swallowed. Its only normal end is the stop.
   */
  private async supervise(): Promise<void> {
    for (;;) {
      try {
        await this.loop();
        return;
      } catch (e) {
        if (this.signal.aborted) return; // the stop's own rejection
        this.o.bus.report({ kind: 'worker_failed', worker: 'maintenance', error: reportedError(e), restarted: true });
        try {
          await sleep(this.o.clock, RESTART_DELAY_MS, this.signal);
        } catch {
          return; // stopped while waiting to restart
        }
      }
    }
  }

  /** Ask for a step and wait until it has run (Octez's `maintain`, which could wait indefinitely). */
  maintain(): Promise<void> {
    if (this.stopper.signal.aborted || !this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.justMaintained.add(resolve);
      for (const p of this.pleaseMaintain) p();
    });
  }

  async stop(): Promise<void> {
    this.stopper.abort(new Error('maintenance stopped'));
    for (const w of this.justMaintained) w();
    this.justMaintained.clear();
    await this.running;
  }

  private get signal(): AbortSignal {
    return this.stopper.signal;
  }

  private async loop(): Promise<void> {
    let motive: MaintenanceMotive = 'Activation';
    while (!this.signal.aborted) {
      await this.step(motive);
      for (const w of this.justMaintained) w();
      this.justMaintained.clear();
      if (this.signal.aborted) break;
      motive = await this.nextMotive();
    }
  }

  /** The first of: the idle timer, a request, the too-few or the too-many trigger. */
  private nextMotive(): Promise<MaintenanceMotive> {
    const { bus, clock, idleTimeMs } = this.o;
    const { controller: ac, release } = childController(this.signal);
    const timer = sleep(clock, idleTimeMs, ac.signal).then(() => 'Timer' as const);
    const external = new Promise<MaintenanceMotive>((resolve) => {
      const p = () => resolve('External_event');
      this.pleaseMaintain.add(p);
      ac.signal.addEventListener('abort', () => this.pleaseMaintain.delete(p), { once: true });
    });
    const triggers: Observable<MaintenanceMotive> = merge(
      bus.triggers.tooFewConnections$.pipe(map(() => 'Too_few_connections' as const)),
      bus.triggers.tooManyConnections$.pipe(map(() => 'Too_many_connections' as const)),
    );
    const triggered = firstEvent(triggers, ac.signal).then((m) => m ?? 'Timer');
    const stopped = new Promise<never>((_, reject) =>
      ac.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }),
    );
    return Promise.race([timer, external, triggered, stopped]).finally(() => {
      ac.abort();
      release();
    });
  }

  /** Octez's `maintain`: a full `do_maintain` when out of bounds (then re-check), a swap otherwise. */
  private async step(motive: MaintenanceMotive): Promise<void> {
    const { pool, bounds, bus, clock } = this.o;
    let m: MaintenanceMotive = motive;
    for (;;) {
      if (this.signal.aborted) return;
      const n = pool.activeConnections;
      if (n >= bounds.minThreshold && n <= bounds.maxThreshold) {
        if (!this.o.privateMode && this.o.swapDisabled !== true) this.sendSwapRequest();
        return;
      }
      const t0 = clock.now();
      this.o.bus.report({ kind: 'maintenance_started', motive: m, connections: n });
      const span = tracer.startSpan('p2p.maintenance', {
        attributes: { 'tezos.p2p.maintenance.motive': m, 'tezos.p2p.connections': n },
      });
      this.stepSpan = span;
      try {
        await this.doMaintain();
      } finally {
        this.stepSpan = undefined;
        span.setAttribute('tezos.p2p.connections_after', pool.activeConnections);
        span.end();
      }
      this.o.bus.report({
        kind: 'maintenance_ended',
        durationMs: clock.now() - t0,
        connections: pool.activeConnections,
      });
      bus.publish({ kind: 'Maintenance_ended' });
      m = 'Last_maintenance';
    }
  }

  private async doMaintain(): Promise<void> {
    const { pool, bounds, bus } = this.o;
    while (!this.signal.aborted) {
      bus.publish({ kind: 'Maintenance_started' });
      const n = pool.activeConnections;
      if (n < bounds.minThreshold) await this.tooFewConnections(n);
      else if (n > bounds.maxThreshold) await this.tooManyConnections(n);
      else return;
    }
  }

  private async tooFewConnections(n: number): Promise<void> {
    this.o.bus.publish({ kind: 'Too_few_connections' });
    const ok = await this.tryToContact(this.o.bounds.minTarget - n, this.o.bounds.maxTarget - n);
    if (!ok) await this.askForMoreContacts();
  }

  private async tooManyConnections(n: number): Promise<void> {
    const { pool, bus, rng, bounds } = this.o;
    bus.publish({ kind: 'Too_many_connections' });
    const k = n - bounds.maxTarget;
    // Never drop a connection whose peer is both private and trusted.
    const victims = shuffled(
      rng,
      pool.connections.list().filter((c) => !(c.privateNode && c.trustedNode)),
    ).slice(0, k);
    this.link(victims, 'dropped');
    await Promise.allSettled(victims.map((c) => c.disconnect({ kind: 'Maintenance_too_many' })));
  }

  /** `try_to_contact`: dial candidates in parallel until `min` succeeded or nothing is left to try. */
  private async tryToContact(minToContact: number, maxToContact: number): Promise<boolean> {
    const startTime = this.o.clock.now();
    const seen = new Set<string>();
    let min = minToContact;
    let max = maxToContact;
    while (min > 0) {
      if (this.signal.aborted) return true;
      const candidates = this.connectable(max, startTime, seen);
      if (candidates.length === 0) {
        await new Promise((r) => setImmediate(r));
        return false;
      }
      const results = await Promise.allSettled(candidates.map((p) => this.o.connectHandler.connect(p)));
      results.forEach((r, i) => {
        if (r.status === 'rejected')
          this.o.bus.report({
            kind: 'connect_failed',
            point: candidates[i]!,
            error: r.reason instanceof Error ? r.reason.message : String(r.reason),
          });
      });
      const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      this.link(opened, 'opened');
      const established = opened.length;
      min -= established;
      max -= established;
    }
    return true;
  }

  /** Links from the step's span to `conns`' spans (the connections' own traces). */
  private link(conns: readonly P2pConn<M, CM>[], role: 'opened' | 'dropped'): void {
    const span = this.stepSpan;
    if (span === undefined || !span.isRecording()) return;
    span.addLinks(conns.flatMap((c) => linkToConnection(c, { 'tezos.p2p.maintenance.role': role })));
  }

  /** `connectable` + `classify`: up to `max` points, never-missed first, then the oldest miss. */
  private connectable(max: number, startTime: number, seen: Set<string>): Point[] {
    const { pool, clock, privateMode } = this.o;
    const now = clock.now();
    const candidates: PointInfo<P2pConn<M, CM>>[] = [];
    for (const info of pool.points.values()) {
      const key = info.key;
      if (seen.has(key) || pool.pointBanned(info) || (privateMode && !info.trusted)) continue;
      seen.add(key);
      if (info.state.kind !== 'Disconnected') continue;
      const miss = info.lastMiss;
      if (miss !== undefined && (startTime < miss || info.cannotReconnectYet(now))) continue;
      candidates.push(info);
    }
    candidates.sort((a, b) => {
      const ma = a.lastMiss;
      const mb = b.lastMiss;
      if (ma === undefined || mb === undefined) return ma === undefined ? (mb === undefined ? 0 : -1) : 1;
      return ma - mb;
    });
    return candidates.slice(0, Math.max(0, max)).map((i) => i.point);
  }

  /** `ask_for_more_contacts`: Bootstrap to every public peer, wake discovery, wait for news or 5 s. */
  private async askForMoreContacts(): Promise<void> {
    const { pool, bus, clock, privateMode } = this.o;
    const delay = this.o.lookForPeersDelayMs ?? LOOK_FOR_PEERS_DELAY_MS;
    if (privateMode) {
      await sleep(clock, delay, this.signal).catch(() => undefined);
      return;
    }
    for (const c of pool.connections.list()) {
      if (c.privateNode) continue;
      // Logged even when nothing was written (full queue, peer discovery disabled), as Octez's
      // `broadcast_bootstrap_msg` logs `Bootstrap_sent` whatever `write_bootstrap` returned.
      c.writeBootstrap();
      bus.publish({ kind: 'Bootstrap_sent', source: c.peerId });
    }
    this.o.discovery?.wakeup();
    const { controller: ac, release } = childController(this.signal);
    try {
      await Promise.race([
        firstEvent(merge(bus.triggers.newPeer$, bus.triggers.newPoint$), ac.signal),
        sleep(clock, delay, ac.signal).catch(() => undefined),
      ]);
    } finally {
      ac.abort();
      release();
    }
  }

  /** `send_swap_request`: propose to a random public peer another peer's point. */
  private sendSwapRequest(): void {
    const proposal = this.o.pool.connections.proposeSwapRequest();
    if (proposal === undefined) return;
    this.o.bus.publish({ kind: 'Swap_request_sent', source: proposal.recipient.peerId });
    proposal.recipient.writeSwapRequest(proposal.point, proposal.peerId);
  }
}
