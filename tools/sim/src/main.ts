#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { simulate } from './simulate.js';

const sizes = (v: string): number[] => {
  const out = v.split(',').map((x) => Number(x.trim()));
  if (out.some((n) => !Number.isInteger(n) || n < 2 || n > 1000))
    throw new InvalidArgumentError(`expected sizes like 25,50,100 (2..1000), got ${JSON.stringify(v)}`);
  return out;
};

const program = new Command('sim')
  .description('Simulate Tezos P2P networks of N nodes on loopback and time their convergence')
  .option('--nodes <list>', 'network sizes, comma-separated', sizes, [25, 50, 100])
  .option('--bootstrap <n>', 'bootstrap peers every node knows', (v) => Number(v), 3)
  .option('--timeout <s>', 'give up on a size after this long', (v) => Number(v), 120)
  .action(async (o: { nodes: number[]; bootstrap: number; timeout: number }) => {
    const rows: string[] = [];
    for (const n of o.nodes) {
      const r = await simulate({
        nodes: n,
        bootstrap: o.bootstrap,
        timeoutMs: o.timeout * 1000,
        onProgress: (p) =>
          process.stderr.write(
            `\r${n} nodes: ${(p.elapsedMs / 1000).toFixed(1)} s, ${p.withinThresholds}/${n} within thresholds, ${p.components} component(s), ${p.connections} connections   `,
          ),
      });
      process.stderr.write('\n');
      rows.push(
        `${String(n).padStart(5)}  ${r.converged ? `${r.seconds.toFixed(1).padStart(7)} s` : '  did not converge'}  ${String(r.connections).padStart(6)}  ${r.degrees.min}/${r.degrees.mean.toFixed(1)}/${r.degrees.max}`,
      );
      if (!r.converged) process.exitCode = 1;
    }
    process.stdout.write(`nodes  converged  connections  degree min/mean/max\n${rows.join('\n')}\n`);
  });

await program.parseAsync(process.argv);
