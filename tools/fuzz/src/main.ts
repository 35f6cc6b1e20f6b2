/**
 * `node tools/fuzz/dist/main.js [target…] [--cases N] [--seed N] [--from I] [--workers N] [--allocation N] [--list]`
 *
 * Runs the named targets (all by default) and prints each one's rate, outcomes and findings; exits 1
 * when anything was found. With `--from I --cases 1` it replays case I of a run (the seed and index a
 * finding reports) and prints the input and the stack.
 */
import { parseArgs } from 'node:util';
import { probeAllocation } from './allocation.js';
import { generateCase } from './generate.js';
import { runInWorkers } from './parallel.js';
import { type RunResult, describeFindings, runTarget } from './runner.js';
import { TARGET_NAMES, targetByName } from './targets/index.js';

function report(r: RunResult): void {
  console.log(
    `${r.target.padEnd(30)} ${r.cases} cases  ${r.casesPerSecond.toFixed(0).padStart(7)} cases/s  ${r.findingCount} finding(s)  ${JSON.stringify(r.outcomes)}`,
  );
  if (r.findingCount > 0) {
    console.log(describeFindings(r));
    for (const f of r.findings.slice(0, 1)) if (f.stack !== undefined) console.log(f.stack);
  }
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      cases: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      from: { type: 'string', default: '0' },
      workers: { type: 'string', default: '1' },
      allocation: { type: 'string', default: '0' },
      list: { type: 'boolean', default: false },
    },
  });
  if (values.list) {
    for (const n of TARGET_NAMES) console.log(`${n.padEnd(30)} ${targetByName(n).description}`);
    return;
  }
  const names = positionals.length > 0 ? positionals : TARGET_NAMES;
  const cases = Number(values.cases);
  const seed = Number(values.seed);
  const allocationCases = Number(values.allocation);
  let found = 0;
  if (Number(values.workers) > 1) {
    const outcomes = await runInWorkers({
      targets: names,
      cases,
      seed,
      workers: Number(values.workers),
      allocationCases,
    });
    for (const o of outcomes) {
      if (o.run !== undefined) report(o.run);
      if (o.error !== undefined) console.log(`${o.target}: ${o.error}`);
      found += (o.run?.findingCount ?? 0) + (o.allocation?.findingCount ?? 0) + (o.error !== undefined ? 1 : 0);
    }
  } else {
    for (const name of names) {
      const target = targetByName(name);
      const r = await runTarget(target, { cases, seed, from: Number(values.from) });
      report(r);
      if (cases === 1) console.log(`input: ${target.show(generateCase(target.arbitrary, seed, Number(values.from)))}`);
      found += r.findingCount;
      if (allocationCases > 0) {
        const a = await probeAllocation(target, { cases: allocationCases, seed });
        if (a !== undefined) {
          console.log(
            `${name.padEnd(30)} allocation probe: worst ${a.worstBytes} B (budget ${a.worstBudget} B), ${a.findingCount} finding(s)`,
          );
          for (const f of a.findings) console.log(`  - ${f.reason} (claims case ${f.index}): ${f.input.slice(0, 300)}`);
          found += a.findingCount;
        }
      }
    }
  }
  process.exitCode = found > 0 ? 1 : 0;
}

await main();
