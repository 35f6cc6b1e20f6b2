#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { simulateFleet } from './fleet.js';
import { type SimulationProgress, type SimulationResult, simulate } from './simulate.js';

const MAX_NODES = 5000;
/** Up to this many nodes run in this process unless --processes says otherwise. */
const IN_PROCESS_UP_TO = 250;

const sizes = (v: string): number[] => {
  const out = v.split(',').map((x) => Number(x.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 2 || n > MAX_NODES))
    throw new InvalidArgumentError(`expected sizes like 25,50,100 (2..${MAX_NODES}), got ${JSON.stringify(v)}`);
  return out;
};
const count = (what: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}, got ${v}`);
  return n;
};

interface Options {
  nodes: number[];
  bootstrap: number;
  timeout: number;
  processes?: number;
}

const program = new Command('sim')
  .description('Simulate Tezos P2P networks of N nodes on loopback and time their convergence')
  .option('--nodes <list>', `network sizes, comma-separated (2..${MAX_NODES})`, sizes, [25, 50, 100])
  .option('--bootstrap <n>', 'bootstrap peers every node knows', count('--bootstrap', 1), 3)
  .option('--timeout <s>', 'give up on a size after this long', count('--timeout', 1), 120)
  .option(
    '--processes <n>',
    `spread the nodes over this many processes (0: all in this one; default: 0 up to ${IN_PROCESS_UP_TO} nodes, else one per 250)`,
    count('--processes', 0),
  )
  .action(async (o: Options) => {
    const rows: string[] = [];
    for (const n of o.nodes) {
      const onProgress = (p: SimulationProgress) =>
        process.stderr.write(
          `\r${n} nodes: ${(p.elapsedMs / 1000).toFixed(1)} s, ${p.withinThresholds}/${n} within thresholds, ${p.components} component(s), ${p.connections} connections   `,
        );
      const inProcess = o.processes === 0 || (o.processes === undefined && n <= IN_PROCESS_UP_TO);
      const r: SimulationResult & { processes?: number; memoryPerNodeBytes?: number } = inProcess
        ? await simulate({ nodes: n, bootstrap: o.bootstrap, timeoutMs: o.timeout * 1000, onProgress })
        : await simulateFleet({
            nodes: n,
            bootstrap: o.bootstrap,
            timeoutMs: o.timeout * 1000,
            onProgress,
            ...(o.processes === undefined ? {} : { processes: o.processes }),
          });
      process.stderr.write('\n');
      const memory = r.memoryPerNodeBytes === undefined ? '' : `${(r.memoryPerNodeBytes / 1024).toFixed(0)} KiB`;
      rows.push(
        `${String(n).padStart(5)}  ${String(r.processes ?? 1).padStart(9)}  ${r.converged ? `${r.seconds.toFixed(1).padStart(7)} s` : '  did not converge'}  ${String(r.connections).padStart(11)}  ${`${r.degrees.min}/${r.degrees.mean.toFixed(1)}/${r.degrees.max}`.padStart(19)}  ${memory}`,
      );
      if (!r.converged) process.exitCode = 1;
    }
    process.stdout.write(
      `nodes  processes  converged  connections  degree min/mean/max  memory/node\n${rows.join('\n')}\n`,
    );
  });

await program.parseAsync(process.argv);
