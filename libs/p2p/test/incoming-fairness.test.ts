import { type Socket, connect as tcpConnect } from 'node:net';
import type { P2pEvent, P2pReport } from '@tezos-p2p/events';
import { afterEach, describe, expect, it } from 'vitest';
import { type Node, nextEvent, nodesStoppedAfterEach, pointOf, until } from './harness.js';
import { clientHost, reportingBus } from './raw-client.js';
import { internals } from './internals.js';

// Silent sockets against the incoming handshake slots, over real loopback TCP. Octez caps pending
// incoming handshakes at 20 in all: 20 silent sockets from one address, each replaced when the
// authentication timeout closes it, keep every other peer out. Here one address holds at most
// `maxIncomingConnectionsPerAddress` (4) slots, and a full table gives the oldest slot of the source
// holding the most to a source holding at least two fewer. A good peer on another address must get
// every one of its handshakes through while the attack runs.

const AUTH_TIMEOUT_MS = 1000;
const MAX_PENDING = 20;
const PER_ADDRESS = 4;
const VISITS = 10;
/** Every socket the attack may open, in all: the loop is bounded even if the node misbehaves. */
const SOCKET_BUDGET = 20_000;
/** A closed socket is replaced after this long (a short pause keeps the loop from spinning on refusals). */
const REPLACE_AFTER_MS = 10;

const node = nodesStoppedAfterEach();
const floods: Flood[] = [];
afterEach(async () => {
  await Promise.all(floods.splice(0).map((f) => f.stop()));
});

interface Flood {
  /** Sockets opened so far. */
  opened(): number;
  stop(): Promise<void>;
}

/** `width` silent sockets from each of `sources` to `target`, each replaced when closed, until `stop` or the budget. */
function silentFlood(target: Node, sources: readonly string[], width: number): Flood {
  const { ip, port } = pointOf(target);
  const live = new Map<Socket, Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let opened = 0;
  let stopped = false;
  const open = (from: string): void => {
    if (stopped || opened >= SOCKET_BUDGET) return;
    opened++;
    const s = tcpConnect({ host: ip, port, localAddress: from });
    s.on('error', () => undefined);
    // Read and drop the node's connection message: a socket that never reads never sees the node's
    // close ('end' waits for the data before it), and would sit in CLOSE-WAIT instead of being replaced.
    s.resume();
    live.set(
      s,
      new Promise((r) =>
        s.once('close', () => {
          live.delete(s);
          r();
          if (stopped) return;
          const t = setTimeout(() => {
            timers.delete(t);
            open(from);
          }, REPLACE_AFTER_MS);
          timers.add(t);
        }),
      ),
    );
  };
  for (const from of sources) for (let i = 0; i < width; i++) open(from);
  const flood: Flood = {
    opened: () => opened,
    stop: async () => {
      stopped = true;
      timers.forEach(clearTimeout);
      const closing = [...live.values()];
      for (const s of live.keys()) s.destroy();
      await Promise.all(closing);
    },
  };
  floods.push(flood);
  return flood;
}

/** What the target's connect handler reports about incoming sockets. */
function incomingLog(): {
  record: (e: P2pReport) => void;
  refusedFrom: Map<string, Map<string, number>>;
  evictions: { victim: string; by: string }[];
  failures: Map<string, string[]>;
} {
  const refusedFrom = new Map<string, Map<string, number>>();
  const evictions: { victim: string; by: string }[] = [];
  const failures = new Map<string, string[]>();
  return {
    refusedFrom,
    evictions,
    failures,
    record: (e) => {
      if (e.kind === 'incoming_refused') {
        const byReason = refusedFrom.get(e.point.ip) ?? new Map<string, number>();
        byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
        refusedFrom.set(e.point.ip, byReason);
      } else if (e.kind === 'incoming_evicted') evictions.push({ victim: e.point.ip, by: e.by.ip });
      else if (e.kind === 'authentication_failed')
        failures.set(e.point.ip, [...(failures.get(e.point.ip) ?? []), e.error.code]);
    },
  };
}

/** The most incoming handshakes pending at once on `n`, sampled at each event and on the turn after. */
function peakPending(n: Node): () => number {
  let peak = 0;
  const sample = () => (peak = Math.max(peak, n.pendingConnections.incoming));
  n.events$.subscribe(() => {
    sample();
    setImmediate(sample);
  });
  return () => peak;
}

/** `visitor` connects to `target`, exchanges a message each way and leaves; throws if refused. */
async function visit(visitor: Node, target: Node, i: number): Promise<void> {
  const payload = new TextEncoder().encode(`visit ${i}`);
  const atVisitor = await visitor.connect(pointOf(target));
  await until(
    [target],
    () => target.findConnection(visitor.peerId) !== undefined,
    10_000,
    'the target to see the visitor',
  );
  const atTarget = target.findConnection(visitor.peerId)!;
  await visitor.send(atVisitor, { tag: 0x10, payload });
  expect(await target.recv(atTarget)).toEqual({ tag: 0x10, payload });
  const gone = nextEvent(target, (e: P2pEvent) => e.kind === 'Disconnection' && e.peerId === visitor.peerId);
  await visitor.disconnect(atVisitor, { wait: true });
  await gone;
}

/** Every visit, one after the other, each once `ready` holds; the outcome of each (`ok` or the error's code). */
async function visits(visitor: Node, target: Node, ready: () => Promise<void>): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < VISITS; i++) {
    await ready();
    try {
      await visit(visitor, target, i);
      outcomes.push('ok');
    } catch (e) {
      outcomes.push((e as { code?: string }).code ?? String(e));
    }
  }
  return outcomes;
}

async function targetUnderTest(log: ReturnType<typeof incomingLog>): Promise<Node> {
  // A deep listen(2) backlog hands every socket to the node, so its own limits are what is tested.
  return node({
    limits: {
      authenticationTimeoutMs: AUTH_TIMEOUT_MS,
      maxIncomingConnections: MAX_PENDING,
      maxIncomingConnectionsPerAddress: PER_ADDRESS,
      backlog: 256,
    },
    runtime: { bus: reportingBus(log.record) },
  });
}

describe('silent sockets cannot close the door', () => {
  it(`24 silent sockets from one address, replaced when closed: it holds ${PER_ADDRESS} slots, the rest are closed at accept, and a peer from another address gets in ${VISITS} times out of ${VISITS}`, async () => {
    const log = incomingLog();
    const target = await targetUnderTest(log);
    const peak = peakPending(target);
    const visitor = await node();
    const attacker = clientHost();
    const flood = silentFlood(target, [attacker], MAX_PENDING + 4);
    // The attack holds its slots, and has already replaced sockets the authentication timeout closed.
    const held = () =>
      until(
        [target],
        () => target.pendingConnections.incoming >= Math.min(PER_ADDRESS, MAX_PENDING),
        10_000,
        'the attack to hold its slots',
      );
    await held();
    await until(
      [target],
      () => (log.failures.get(attacker)?.length ?? 0) >= PER_ADDRESS,
      10_000,
      'the first slots to time out',
    );

    const outcomes = await visits(visitor, target, held);
    expect(outcomes, outcomes.join(', ')).toEqual(Array(VISITS).fill('ok'));

    expect(flood.opened()).toBeLessThan(SOCKET_BUDGET); // still attacking when the last visit ended
    expect(peak()).toBeLessThanOrEqual(PER_ADDRESS + 1); // the attacker's slots and the visitor's
    expect(log.refusedFrom.get(attacker)?.get('too_many_incoming_from_address')).toBeGreaterThan(0);
    expect(log.evictions).toEqual([]); // the table was never full
    expect(new Set(log.failures.get(attacker))).toEqual(new Set(['TIMEOUT']));
    expect(internals(target).pool.acl.isAddrGreylisted(attacker)).toBe(false);
    expect(internals(target).pool.acl.isAddrGreylisted(pointOf(visitor).ip)).toBe(false);
  });

  it(`silent sockets from 5 addresses, ${PER_ADDRESS} slots each, fill all ${MAX_PENDING}: each handshake of a peer from another address takes the oldest slot of one of them`, async () => {
    const log = incomingLog();
    const target = await targetUnderTest(log);
    const peak = peakPending(target);
    const visitor = await node();
    const attackers = Array.from({ length: MAX_PENDING / PER_ADDRESS }, () => clientHost());
    const flood = silentFlood(target, attackers, PER_ADDRESS + 2);
    const full = () =>
      until([target], () => target.pendingConnections.incoming === MAX_PENDING, 10_000, 'the attack to fill the table');
    await full();
    const timeouts = () => attackers.flatMap((ip) => log.failures.get(ip) ?? []).filter((c) => c === 'TIMEOUT').length;
    await until([target], () => timeouts() >= MAX_PENDING, 10_000, 'the first slots to time out');

    const outcomes = await visits(visitor, target, full);
    expect(outcomes, outcomes.join(', ')).toEqual(Array(VISITS).fill('ok'));

    expect(flood.opened()).toBeLessThan(SOCKET_BUDGET);
    expect(peak()).toBe(MAX_PENDING);
    const visitorIp = pointOf(visitor).ip;
    // Each visit found the table full and took a slot from an attacker; nobody took the visitor's.
    expect(log.evictions.filter((e) => e.by === visitorIp)).toHaveLength(VISITS);
    expect(log.evictions.map((e) => e.victim)).not.toContain(visitorIp);
    expect(log.failures.get(visitorIp)).toBeUndefined();
    // The evicted handshakes end CANCELED, the others at the timeout; nobody is greylisted.
    expect(new Set(attackers.flatMap((ip) => log.failures.get(ip) ?? []))).toEqual(new Set(['TIMEOUT', 'CANCELED']));
    for (const ip of attackers) expect(internals(target).pool.acl.isAddrGreylisted(ip)).toBe(false);
  });
});
