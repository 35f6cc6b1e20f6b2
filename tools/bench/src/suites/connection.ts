import { createRequire } from 'node:module';
import { type Identity, generateIdentity, getCryptoBackend } from '@tezos-p2p/crypto';
import { type Connection, IoScheduler, createMemorySocketPair, establish } from '@tezos-p2p/connection';
import type { RawAppMessage } from '@tezos-p2p/wire';
import { benchEstablishOptions, dialBench, sendForThroughput } from '../bench-connection.js';
import { countHandshakes, measureSync } from '../harness.js';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';
import type { ReceiverEvent, ReceiverInput } from '../workers/receiver.js';
import { WorkerEvents } from '../worker-events.js';
import { threadCpuMs } from '../workers/thread-cpu.js';
import { idleConnectionMemory } from './connection-idle.js';
import { transfer } from './pipeline.js';

const sodium = createRequire(import.meta.url)('sodium-native') as {
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
};

class Receiver extends WorkerEvents<ReceiverEvent> {
  constructor(input: ReceiverInput) {
    super(new URL('../workers/receiver.js', import.meta.url), input);
  }

  async progress(): Promise<{ bytes: number; at: number }> {
    this.worker.postMessage('progress');
    return this.next('progress');
  }
}

interface Throughput {
  readonly bytesPerSec: number;
  readonly msgsPerSec: number;
  /** CPU time per message of the sending (this) thread and of the receiving one, in µs. */
  readonly senderCpuUs: number;
  readonly receiverCpuUs: number;
}

/** Send `size`-byte messages for `seconds`, then a marker; returns payload bytes/s and messages/s. */
async function throughput(
  conn: Connection<RawAppMessage>,
  receiver: Receiver,
  size: number,
  seconds: number,
): Promise<Throughput> {
  const cpu0 = threadCpuMs();
  const start = await sendForThroughput(conn, size, seconds);
  const done = await receiver.next('done');
  const senderCpuMs = threadCpuMs() - cpu0;
  const elapsed = (done.at - start) / 1000;
  return {
    bytesPerSec: done.bytes / elapsed,
    msgsPerSec: done.messages / elapsed,
    senderCpuUs: (senderCpuMs * 1000) / done.messages,
    receiverCpuUs: (done.cpuMs * 1000) / done.messages,
  };
}

/** The raw secretbox rates a run is compared with, measured right before it. */
interface RawRates {
  /** MB/s sealing 64 KiB chunks. */
  readonly large: number;
  /** Seals/s of 100-byte chunks. */
  readonly small: number;
}

type Paired<T> = T & { readonly raw: RawRates };

/**
 * The run of median ratio to raw secretbox among `runs` timed runs, each right after its own raw
 * measurement: this machine's speed drifts by a third within the hour, so a ratio taken against a raw
 * rate measured a minute earlier measures the drift as much as what runs.
 */
async function pairedMedian<T>(
  runs: number,
  measureRaw: () => RawRates,
  run: () => Promise<T>,
  ratio: (r: Paired<T>) => number,
): Promise<Paired<T>> {
  const rs: Paired<T>[] = [];
  for (let i = 0; i < runs; i++) {
    const raw = measureRaw();
    rs.push({ ...(await run()), raw });
  }
  rs.sort((x, y) => ratio(x) - ratio(y));
  return rs[rs.length >> 1]!;
}

/**
 * `pairedMedian` of 5 throughput runs of 1.5 s after a warm-up: 100 B runs ranked by messages against
 * 100-byte seals, the others by bytes against 64 KiB seals.
 */
async function medianThroughput(
  conn: Connection<RawAppMessage>,
  receiver: Receiver,
  size: number,
  measureRaw: () => RawRates,
): Promise<Paired<Throughput>> {
  await throughput(conn, receiver, size, 0.5);
  return pairedMedian(
    5,
    measureRaw,
    () => throughput(conn, receiver, size, 1.5),
    (r) => (size === 100 ? r.msgsPerSec / r.raw.small : r.bytesPerSec / 1e6 / r.raw.large),
  );
}

async function handshakesPerSecond(backend: 'native' | 'js', seconds: number): Promise<number> {
  const [a, b] = await Promise.all([
    generateIdentity({ difficulty: 0, workers: 0 }),
    generateIdentity({ difficulty: 0, workers: 0 }),
  ]);
  const scheduler = new IoScheduler();
  const opts = (identity: Identity, incoming: boolean) =>
    benchEstablishOptions(identity, incoming, { scheduler, backend: getCryptoBackend(backend) });
  // Both ends in this process over in-memory pipes: this measures the handshake's own cost (two key
  // agreements, four Blake2b, three encrypted chunks each way), not the kernel's TCP set-up.
  const rate = await countHandshakes(seconds, 8, async () => {
    const [x, y] = createMemorySocketPair();
    const [c, s] = await Promise.all([establish(x, opts(a, false)), establish(y, opts(b, true))]);
    c.close();
    s.close();
  });
  return rate.perSec;
}

/** Handshakes per second over loopback TCP to the receiver worker, 8 in flight. */
async function tcpHandshakesPerSecond(backend: 'native' | 'js', port: number, seconds: number): Promise<number> {
  const id = await generateIdentity({ difficulty: 0, workers: 0 });
  const scheduler = new IoScheduler();
  return (await countHandshakes(seconds, 8, async () => (await dialBench(port, id, backend, scheduler)).close()))
    .perSec;
}

export const connectionSuite: Suite = {
  name: 'connection',
  title: 'Authenticated connections: throughput, handshakes, bandwidth caps',
  async run() {
    const figures: Figure[] = [];
    const key = new Uint8Array(32).fill(1);
    const nonce = new Uint8Array(24);
    const chunk = new Uint8Array(65517);
    const out = new Uint8Array(65517 + 16);
    const small = new Uint8Array(100);
    const smallOut = new Uint8Array(116);
    // Short samples taken right before each timed run (medianThroughput).
    const quick = { warmupMs: 50, samples: 3, sampleMs: 100 };
    const measureRaw = (): RawRates => ({
      large:
        (measureSync(() => sodium.crypto_secretbox_easy(out, chunk, nonce, key), quick).opsPerSec * chunk.length) / 1e6,
      small: measureSync(() => sodium.crypto_secretbox_easy(smallOut, small, nonce, key), quick).opsPerSec,
    });
    const rawBefore = (r: Paired<Throughput>) => ({
      large: { name: 'raw secretbox, 64 KiB chunks, just before the run', value: r.raw.large },
      small: { name: 'raw secretbox, 100-byte chunks, just before the run', value: r.raw.small },
    });
    // The same seals timed in CPU time, the baseline of the CPU-per-message rows.
    const rawCpuUs = (seal: () => void, batch: number) => {
      const c0 = threadCpuMs();
      let n = 0;
      // Batches of about a millisecond: reading the clock (a /proc file) must not weigh in.
      while (threadCpuMs() - c0 < 500) for (let i = 0; i < batch; i++, n++) seal();
      return ((threadCpuMs() - c0) * 1000) / n;
    };
    const rawCpuSmall = rawCpuUs(() => sodium.crypto_secretbox_easy(smallOut, small, nonce, key), 1024);
    // 1 MiB is 16 chunks of 65517 bytes and a little: scaled from one chunk's seal.
    const rawCpuLarge =
      rawCpuUs(() => sodium.crypto_secretbox_easy(out, chunk, nonce, key), 32) * ((1 << 20) / chunk.length);
    // The pipeline suite's idealised transfer, paired with a raw measurement as the message rows are.
    await transfer('both');
    const idealRun = await pairedMedian(
      3,
      measureRaw,
      () => transfer('both'),
      (s) => s.mbPerSec / s.raw.large,
    );
    const ideal = idealRun.mbPerSec;
    figures.push({
      name: 'idealised seal → loopback TCP → open, 64 KiB chunks',
      value: ideal,
      unit: 'MB/s',
      baseline: { name: 'raw secretbox, 64 KiB chunks, just before the run', value: idealRun.raw.large },
    });
    figures.push({
      name: 'idealised pipeline, receiver CPU',
      value: idealRun.receiverCpuUsPerMiB,
      unit: 'µs/MiB',
      baseline: { name: 'raw secretbox seal of 1 MiB, CPU time', value: rawCpuLarge },
    });

    // The native receiver twice: owning its messages (`tryRecv` / `recv`, what most consumers do), then
    // lent them (`onMessage(…, { lend: true })`: no buffer allocated per message).
    for (const { backend, lend } of [
      { backend: 'native', lend: false },
      { backend: 'native', lend: true },
      { backend: 'js', lend: false },
    ] as const) {
      const who = lend ? `${backend}, lent` : backend;
      const receiver = new Receiver({ backend, lend });
      const { port } = await receiver.next('listening');
      const id = await generateIdentity({ difficulty: 0, workers: 0 });
      const conn = await dialBench(port, id, backend, new IoScheduler());
      for (const [size, label] of [
        [100, '100 B'],
        [4096, '4 KiB'],
        [1 << 20, '1 MiB'],
      ] as const) {
        const r = await medianThroughput(conn, receiver, size, measureRaw);
        const before = rawBefore(r);
        figures.push({
          name: `${who}: ${label} messages`,
          value: r.bytesPerSec / 1e6,
          unit: 'MB/s',
          baseline: before.large,
          ...(backend === 'native' && size === 1 << 20
            ? { target: { min: 0.6, description: '≥ 60 % of raw secretbox' } }
            : {}),
        });
        if (backend === 'native' && size === 1 << 20)
          figures.push({
            name: `${who}: ${label} messages`,
            value: r.bytesPerSec / 1e6,
            unit: 'MB/s',
            baseline: { name: 'idealised pipeline, same run', value: ideal },
          });
        figures.push({
          name: `${who}: ${label} messages`,
          value: r.msgsPerSec,
          unit: 'msg/s',
          ...(size === 100
            ? {
                baseline: before.small,
                ...(backend === 'native' && !lend
                  ? { target: { min: 0.6, description: '≥ 60 % of raw secretbox (100 B)' } }
                  : {}),
              }
            : {}),
        });
        if (backend === 'native' && size !== 4096) {
          // CPU per message beside the raw seal of the same bytes: what a noisy machine changes least.
          const raw = {
            name: `raw secretbox seal of ${label}, CPU time`,
            value: size === 100 ? rawCpuSmall : rawCpuLarge,
          };
          figures.push({
            name: `${who}: ${label} messages, sender CPU`,
            value: r.senderCpuUs,
            unit: 'µs/msg',
            baseline: raw,
          });
          figures.push({
            name: `${who}: ${label} messages, receiver CPU`,
            value: r.receiverCpuUs,
            unit: 'µs/msg',
            baseline: raw,
          });
        }
      }
      conn.close();
      if (lend) {
        await receiver.stop();
        continue;
      }
      figures.push({
        name: `${backend}: handshakes over loopback TCP (8 in flight)`,
        value: await tcpHandshakesPerSecond(backend, port, 2),
        unit: 'handshakes/s',
        ...(backend === 'native' ? { target: { min: 500, description: '≥ 500/s' } } : {}),
      });
      figures.push({
        name: `${backend}: handshakes, both ends in process (8 in flight)`,
        value: await handshakesPerSecond(backend, 2),
        unit: 'handshakes/s',
      });
      await receiver.stop();
    }

    for (const [direction, limit] of [
      ['upload', 4_000_000],
      ['download', 4_000_000],
    ] as const) {
      const receiver = new Receiver({
        backend: 'native',
        ...(direction === 'download' ? { maxDownloadSpeed: limit } : {}),
      });
      const { port } = await receiver.next('listening');
      const id = await generateIdentity({ difficulty: 0, workers: 0 });
      const scheduler = new IoScheduler(direction === 'upload' ? { maxUploadSpeed: limit } : {});
      const conns = await Promise.all(
        [0, 1].map(() => dialBench(port, id, 'native', scheduler).catch(() => undefined)),
      );
      const conn = conns.find((c) => c !== undefined)!;
      for (const c of conns) if (c && c !== conn) c.close();
      // Keep the link saturated, skip the first seconds (the bucket starts full), then measure 5 s.
      let sending = true;
      const payload = conn.encodeMessage({ kind: 'Message', message: { tag: 0x10, payload: new Uint8Array(16384) } });
      const pump = (async () => {
        while (sending) await conn.sendEncoded(payload).catch(() => (sending = false));
      })();
      await new Promise((r) => setTimeout(r, 2500));
      const p0 = await receiver.progress();
      await new Promise((r) => setTimeout(r, 5000));
      const p1 = await receiver.progress();
      sending = false;
      conn.close();
      await pump;
      figures.push({
        name: `${direction} cap ${limit / 1e6} MB/s, measured over 5 s`,
        value: ((p1.bytes - p0.bytes) * 1000) / (p1.at - p0.at),
        unit: 'B/s',
        baseline: { name: 'configured cap', value: limit },
      });
      await receiver.stop();
    }
    const idle = await idleConnectionMemory(500);
    figures.push({
      name: 'memory per idle authenticated connection, socket included (1,000 in process)',
      value: idle.connection / 1024,
      unit: 'KiB',
      baseline: { name: 'plain TCP socket, same process', value: idle.plainSocket / 1024 },
    });
    return {
      figures,
      notes: [
        'The idealised pipeline (no framing, messages, queues or scheduling; chunks sealed into reused buffers, opened in place from one reused 1 MiB read buffer) is the pipeline suite’s `both` transfer (`npm run bench -- pipeline` takes it apart): ~1 MiB per write, 8 writes in flight, timed on the receiver, each run right after its own raw measurement. On a quiet machine its two threads cost ~930 µs (seal + TCP send) and ~780 µs (TCP receive + open) of CPU per MiB, which bounds it at ~1.1 GB/s (~67 % of raw), and it reaches ~96 % of that bound; with other processes on the 2 cores both threads wait for a core and it falls to about a third of raw. Until 2026-12-03 this suite had an idealised pipeline of its own, with 1 MiB written ahead and timed from the sender’s start: ~50–60 % of raw where this one gives ~65 %, so the rows against the ideal read higher before.',
        '1 MiB messages, what kept them below the ideal (2026-12-03, quiet machine, single-connection driver with per-thread /proc counters and CPU profiles): the sender is at the ideal’s cost (~850–900 µs per MiB, 40 % of its samples in the seal, 18 % in the socket write) and more write-ahead does not help (1, 4 and 8 MiB ahead: 630/634, 613/536, 572/558 msg/s; 4 MiB again after the change below: within noise); the receiver cost ~1.1–1.2 ms per MiB against the ideal’s ~0.8: its system time was ~25–30 % (Node read each socket 64 KiB at a time into a fresh buffer — 16 reads and buffers per MiB where the ideal makes larger reads into one reused buffer) and garbage collection ~10 %.',
        "Change: shared-buffer sockets (libs/connection shared-buffer-socket.ts). The P2P layer's TCP sockets now read into one 256 KiB buffer per thread through Node's `onread` — dialled ones created with it (`connectSharedBuffer`), accepted ones adopted from a `pauseOnConnect` server (`adoptAcceptedSocket`: the unread socket's handle goes to a socket created with the option) — and the handshake and connection copy only what they keep past a read. The pipeline suite's ideal receiver shows what the fresh buffers cost: with 'data' events instead of its reused buffer, 767 → 1,040 µs per MiB and the ideal 65 → 59 % of raw. This suite, consecutive runs before → after on a quiet machine: receiver 1,011 → 848 µs per MiB, 1 MiB messages 727 → 915 MB/s (43.1 → 55.1 % of raw; 77.9 → 94.3 % of the idealised pipeline of the same run), handshakes 2,898 → 3,499/s, 100 B and 4 KiB rows within noise or better (4 KiB 516 → 631 MB/s). Read buffer size (driver, 5 runs each, alternating): 64 KiB reads 1,044–1,191 µs per MiB, 256 KiB 955–1,015, 1 MiB 847–911 with a costlier sender; 256 KiB bounds what one read hands a connection (the handshake copies it) at a quarter of that. What is left: the receiver's garbage collection (a mark-compact every ~50 ms, from each message's own fresh 1 MiB buffer, which the application keeps and so cannot be reused) and the two threads sharing 2 cores with the kernel's loopback work, so neither is busy more than ~80 % of the time; the ≥ 60 % target stayed NOT MET then, while the idealised pipeline itself reached 49–65 % of raw from one run to the next (see the lent messages below for what it was).",
        'Change: lent messages (`Connection.onMessage(handler, { lend: true })`, libs/connection message-buffer-pool.ts). What the receiver still paid for 1 MiB messages was not in its own thread: a fresh 1 MiB buffer per message is a gigabyte a second of external memory, which V8 (Node 20) counts against a small heap’s old-generation limit and answers with a mark-compact every ~50 ms; its concurrent marking ran on V8’s helper threads, ~15 % of the process’s CPU on 2 cores (perf: ConcurrentMarking::RunMajor). A consumer that handles each message as it arrives and copies what it keeps can now borrow it: the message buffer goes back to a per-thread pool (power-of-two sizes, 16 MiB idle at most) once the handler returns and serves the next message. Single-connection driver, 3 alternating pairs, same machine: owned 769–817 → lent 910–1,028 msg/s (+18–29 %), CPU of V8’s helper threads 1.5–2.3 s → 0.15–0.19 s per 8 s run, mark-compacts 85–149 → 2, the whole process’s CPU 2.17–2.30 → 1.76–2.00 ms per message. The owned rows stay as they were: that is the cost of a fresh buffer per message in Node, which a consumer that keeps its messages has to pay. In this suite (three unrecorded runs before the recorded one, raw measured before each run): lent 1 MiB 59.7 / 61.8 / 62.7 % of raw, owned 41.0 / 49.5 / 61.4 %; lent 4 KiB 717–799 MB/s against 500–618 owned. Both ends now spend their time in the secretbox and the socket calls (CPU profiles, lent 1 MiB: sender 58 % seal, 18 % socket write; receiver 68 % open; JavaScript of the connection ~2 %); what separates them from raw is the kernel’s loopback work and the waits between the two threads. When the receiver keeps up it sleeps between segments, and each wake-up is paid by the sender in the kernel (sender system time per MiB: owned 140–216 µs, lent 281–320 µs; driver runs), which is why the lent sender costs more CPU than the owned one. How often V8 collects for the owned messages depends on the receiving thread’s heap more than on this library: the receiver worker holds ~10 MB, and V8 sizes the old generation’s headroom from it, so the external memory between two scavenges overruns it; with 145 MB of long-lived objects added to the worker (driver, 2 runs each), mark-compacts per 8 s run went 126–153 → 3 and owned 1 MiB messages 807–819 → 887–922 msg/s. The worker is kept bare here: it is what the row measures.',
        'Receiving (profile of the receiving thread, 100 B messages, before → after): socket Buffers are read through plain Uint8Array views (Buffer#subarray builds a FastBuffer in JavaScript); a chunk that starts a message and is not a full one is opened into a buffer of its own and delivered as the message when it is whole (no pooled scratch, no copy); buffers under 4 KiB are carved from shared 8 KiB slabs as Buffer.allocUnsafe does. Buffer allocation and views 20 % → 2 % of samples, garbage collection 7 % → 5 %, the secretbox open 36 % → 56 %; receiver CPU 2.2–2.3 → 1.7–2.0 µs per message.',
        'Sending: the pooled output buffer is sealed through a plain Uint8Array view and a one-chunk message without a view of its own (Buffer subarray and FastBuffer, 2–4 % of the sending thread, gone). A larger write unit (256 KiB per serve) was tried and dropped: outputs beyond the pooled 128 KiB buffers are fresh allocations, ~100 page faults per MiB and more sender CPU.',
        'The receiver worker drains with tryRecv and awaits only when nothing is queued: `for await` cost a promise and a microtask turn per message.',
        "Crypto backend (both threads, 100 B messages, before → after): chunks are sealed and opened through sodium-native's compiled addon instead of its index.js wrappers (nine asserts per call; the addon's own C asserts are compiled out, so the backend checks key, nonce and output lengths itself, with typed errors), in libsodium's \"easy\" layout, which is Octez's [tag][ciphertext]: one view per seal instead of two, none per open instead of two. A 100 B seal 0.95–1.04 → 0.86–0.89 µs, an open 1.15 → 1.01–1.03 µs; sender CPU 1.05 → 0.91 and receiver CPU 1.56 → 1.41 µs per message (alternating runs, quiet machine; 1.25 → 1.11 and 1.78 → 1.71 under load).",
        'Decoding (receiving thread, before → after): the Reader reads integers byte by byte instead of building a DataView per message, its no-limit bound is a small integer instead of a boxed MAX_SAFE_INTEGER, and dynamic_size and check_size enter their region and limit without a closure each. Decoding a 100 B P2P message 105 → 41 ns; Reader and decoding ~10 % → ~4 % of the receiving thread; receiver CPU 1.41 → 1.30 µs per message.',
        'Read queue (before → after): a message waiting for recv is queued with its byte count beside it, and a Lease is made only when recvLeased hands one out — tryRecv, the common consumer, allocated one per message for nothing. Receiver CPU 1.30 → 1.27 µs per message (1.28–1.32 → 1.25–1.29 in a single-thread harness feeding a Connection pre-sealed reads).',
        "Smaller ones, each within the noise of the pipeline runs and measured with the cipher replaced by a no-op (the receive path's JavaScript alone, single thread, fed pre-sealed 64 KiB reads: 201 → 172 ns per message together): message buffers carved from the slab with subarray (23 vs 34 ns a view), nonce increment by one without the carry arithmetic, queues as rings that reuse their slots instead of growing an array and slicing off its dead prefix every few hundred messages, a reservation within the account's guaranteed slice granted without the shared-pool arithmetic (same decisions), a message's size read once, and no tag lookup per message when no application case is declared.",
        "Together, 100 B messages, alternating runs of the old and new builds with this suite's method (same connection, sender loop and receiver; raw seal rate measured in the same process): in the quiet pairs (load ~2) sender CPU 1.05–1.34 → 0.97–1.00 µs and receiver CPU 1.57–1.75 → 1.31–1.35 µs per message, 550–633 k → 721–734 k msg/s, 48–55 % → 64–65 % of the raw seal rate. With other work on the 2 cores (load 4–9) both threads lose their core for stretches and the rate row falls to 25–40 % whatever the build; the CPU rows keep the ranking.",
        "What is left at 100 B: in the receiving thread the open is ~68 % of samples (1.0 µs of the ~1.3 per message: libsodium's open computes one Salsa20 block more than its seal, so the receiver stays above the seal baseline however light the rest), then three typed-array views a message (chunk body, message buffer, payload: ~9 %), garbage collection ~3 % and the framing, budget and decoding calls. The sending thread is ~80 % seal when busy and waits for the receiver the rest of the time.",
        'Idle memory: the scheduler sides are two small classes instead of objects of closures, the scheduler keeps no pair object or unregister closure per connection, the message size is read into a number (its 4-byte Uint8Array was turned external by a DataView), IncomingMessages reports to the connection as an object instead of two closures, and stall queues, flush waiters and budget callbacks are made on first use: 5.2 → 4.1 KiB per connection, socket included (heap snapshot diff, 1,000 connections). The scale suite measures a whole node, whose P2P layer holds the rest of its figure.',
        'CPU-time rows: CPU time of the sending and receiving threads per message (/proc/thread-self/stat) beside the raw seal timed the same way; on a shared machine they move much less than the rates.',
        'Throughput: the sender runs in the main thread, the receiver in a worker thread (its own core), over loopback TCP; payload bytes per second from first send to the receipt of an end marker. Each size: a warm-up, then 5 runs of 1.5 s, each right after its own short raw secretbox measurement (64 KiB and 100-byte seals, 0.35 s each); the row is the run of median ratio, beside the raw rate measured just before it. This machine’s speed drifts by up to a third within the hour, so a raw rate measured a minute before (as the idealised pipeline row still uses) moved the ratio as much as any change under test.',
        'Caps: payload bytes received in a 5 s window after 2.5 s of saturation (the token bucket starts full); within 90–110 % of the cap is the target.',
      ],
    };
  },
};
