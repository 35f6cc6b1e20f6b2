import { type Socket, createServer } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Figure } from '../report.js';
import type { Suite } from '../suite.js';
import { threadCpuMs } from '../workers/thread-cpu.js';
import type { PipelineStageInput, PipelineStageResult } from '../workers/pipeline-stage.js';

const sodium = createRequire(import.meta.url)('sodium-native') as {
  crypto_secretbox_detached(c: Uint8Array, mac: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
};
const CHUNK = 65535;
const PLAIN = CHUNK - 18;
/** Chunks per write: ~1 MiB, with 8 writes in flight (the connection suite found no gain beyond). */
const PER_WRITE = 16;
const IN_FLIGHT = 8;
const SAMPLE_MS = 1500;
const ROUNDS = 3;
const key = new Uint8Array(32);
const nonce = new Uint8Array(24);
const plain = new Uint8Array(PLAIN);

export type Mode = 'plain' | 'seal' | 'open' | 'both';
export interface Sample {
  readonly mbPerSec: number;
  readonly senderCpuUsPerMiB: number;
  readonly receiverCpuUsPerMiB: number;
}

function stage(input: PipelineStageInput): { worker: Worker; result: Promise<PipelineStageResult> } {
  const worker = new Worker(fileURLToPath(new URL('../workers/pipeline-stage.js', import.meta.url)), {
    workerData: input,
  });
  const result = new Promise<PipelineStageResult>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, result };
}

function sealAll(b: Buffer): void {
  for (let i = 0; i < PER_WRITE; i++) {
    const at = i * CHUNK;
    b.writeUInt16BE(CHUNK - 2, at);
    sodium.crypto_secretbox_detached(b.subarray(at + 18, at + CHUNK), b.subarray(at + 2, at + 18), plain, nonce, key);
  }
}

/**
 * One transfer of SAMPLE_MS: the sender seals (or resends pre-sealed bytes), the receiver opens (or only
 * reads). `'both'` is the idealised pipeline the connection suite compares messages with.
 */
export async function transfer(mode: Mode): Promise<Sample> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const open = mode === 'open' || mode === 'both';
  const seal = mode === 'seal' || mode === 'both';
  const receiver = stage({ role: 'receive', port: (server.address() as { port: number }).port, open });
  const socket = await accepted;
  server.close();
  const free = Array.from({ length: IN_FLIGHT }, () => Buffer.allocUnsafeSlow(PER_WRITE * CHUNK));
  // Without sealing the sender resends valid chunks, so an opening receiver still authenticates them.
  if (!seal) for (const b of free) sealAll(b);
  let sent = 0;
  let stopped = false;
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  await new Promise<void>((done) => {
    const pump = () => {
      while (!stopped && free.length > 0) {
        const b = free.pop()!;
        if (seal) sealAll(b);
        sent += PER_WRITE * PLAIN;
        socket.write(b, () => {
          free.push(b);
          if (performance.now() - t0 >= SAMPLE_MS) stopped = true;
          if (stopped && free.length === IN_FLIGHT) done();
          else setImmediate(pump);
        });
      }
    };
    pump();
  });
  const senderCpuMs = threadCpuMs() - cpu0;
  socket.end();
  const r = await receiver.result;
  await receiver.worker.terminate();
  return {
    mbPerSec: r.bytes / 1e6 / (r.ms / 1000),
    senderCpuUsPerMiB: (senderCpuMs * 1000) / (sent / 2 ** 20),
    receiverCpuUsPerMiB: (r.cpuMs * 1000) / (r.bytes / 2 ** 20),
  };
}

/** Raw secretbox of 64 KiB chunks for `ms` in this thread, optionally while a worker does the same. */
async function rawSeal(ms: number, alongside: boolean): Promise<{ mbPerSec: number; cpuUsPerMiB: number }> {
  const other = alongside ? stage({ role: 'seal', ms }) : undefined;
  const out = new Uint8Array(CHUNK);
  const cpu0 = threadCpuMs();
  const t0 = performance.now();
  let bytes = 0;
  while (performance.now() - t0 < ms) {
    sodium.crypto_secretbox_detached(out.subarray(18), out.subarray(2, 18), plain, nonce, key);
    bytes += PLAIN;
  }
  const mine = { bytes, ms: performance.now() - t0, cpuMs: threadCpuMs() - cpu0 };
  const theirs = other ? await other.result : undefined;
  if (other) await other.worker.terminate();
  const total = mine.bytes + (theirs?.bytes ?? 0);
  return { mbPerSec: total / 1e6 / (mine.ms / 1000), cpuUsPerMiB: (mine.cpuMs * 1000) / (mine.bytes / 2 ** 20) };
}

const median = <T>(xs: readonly T[], by: (x: T) => number): T => [...xs].sort((a, b) => by(a) - by(b))[xs.length >> 1]!;

/**
 * Why encrypted transfer over loopback stops where it does: the idealised pipeline of the connection
 * suite taken apart — plain TCP between two threads, then sealing only, opening only, both — beside
 * the raw seal in one thread and in two at once (how much of two cores this machine gives).
 */
export const pipelineSuite: Suite = {
  name: 'pipeline',
  title: 'What bounds encrypted transfer over loopback: the idealised pipeline taken apart',
  async run() {
    const modes: Mode[] = ['plain', 'seal', 'open', 'both'];
    const samples = new Map<Mode, Sample[]>(modes.map((m) => [m, []]));
    const one: { mbPerSec: number; cpuUsPerMiB: number }[] = [];
    const two: { mbPerSec: number; cpuUsPerMiB: number }[] = [];
    await transfer('both');
    await rawSeal(300, false);
    for (let r = 0; r < ROUNDS; r++) {
      // Interleaved so that a neighbour's burst on the shared cores falls on every mode alike.
      one.push(await rawSeal(SAMPLE_MS, false));
      for (const m of modes) samples.get(m)!.push(await transfer(m));
      two.push(await rawSeal(SAMPLE_MS, true));
    }
    const raw = median(one, (x) => x.mbPerSec);
    const raw2 = median(two, (x) => x.mbPerSec);
    const med = (m: Mode) => median(samples.get(m)!, (x) => x.mbPerSec);
    const both = med('both');
    const rawBase = { name: 'raw secretbox, 64 KiB chunks, one thread', value: raw.mbPerSec };
    const label: Record<Mode, string> = {
      plain: 'plain TCP between two threads (no crypto; sealed bytes resent, not opened)',
      seal: 'sender seals, receiver only reads',
      open: 'sender resends sealed bytes, receiver opens',
      both: 'sender seals, receiver opens (the idealised pipeline)',
    };
    const figures: Figure[] = [
      {
        name: 'raw secretbox in two threads at once (both cores busy)',
        value: raw2.mbPerSec,
        unit: 'MB/s',
        baseline: rawBase,
      },
    ];
    for (const m of modes) {
      const s = med(m);
      figures.push({ name: label[m], value: s.mbPerSec, unit: 'MB/s', baseline: rawBase });
      figures.push({
        name: `${m}: sender / receiver CPU per MiB`,
        value: s.senderCpuUsPerMiB,
        unit: 'µs/MiB (sender)',
        baseline: { name: 'receiver, same sample', value: s.receiverCpuUsPerMiB },
      });
    }
    // Were both threads busy all the time, the slower one would set the pace.
    const busiest = Math.max(both.senderCpuUsPerMiB, both.receiverCpuUsPerMiB);
    // Bytes per µs are MB/s.
    const bound = 2 ** 20 / busiest;
    figures.push({
      name: 'idealised pipeline against its bound from the stages’ CPU (the busier thread never idle)',
      value: both.mbPerSec,
      unit: 'MB/s',
      baseline: { name: `1 / max(sender, receiver CPU per MiB) = ${bound.toFixed(0)} MB/s`, value: bound },
    });
    const notes = [
      `Raw seal CPU: ${raw.cpuUsPerMiB.toFixed(0)} µs/MiB in one thread, ${median(two, (x) => x.mbPerSec).cpuUsPerMiB.toFixed(0)} µs/MiB in each of two threads at once. Samples of ${SAMPLE_MS} ms, ${ROUNDS} rounds, modes interleaved, medians; sender in the main thread writing ${PER_WRITE} chunks (~1 MiB) per write with ${IN_FLIGHT} writes in flight, receiver in a worker thread reading into one reused 1 MiB buffer (onread).`,
      `Rates per sample (MB/s): ${modes
        .map(
          (m) =>
            `${m} ${samples
              .get(m)!
              .map((s) => s.mbPerSec.toFixed(0))
              .join('/')}`,
        )
        .join(
          '; ',
        )}; raw one thread ${one.map((x) => x.mbPerSec.toFixed(0)).join('/')}, two threads ${two.map((x) => x.mbPerSec.toFixed(0)).join('/')}.`,
    ];
    return { figures, notes };
  },
};
