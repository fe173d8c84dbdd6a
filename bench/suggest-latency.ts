/**
 * Latency of one bayes proposal (count 1) with N finished runs in 6 and 20 dimensions.
 * "warm" is the controller's steady state: each proposal sees one more finished run than the
 * last, so the memoized kernel fit and Cholesky factor are extended, not rebuilt (p50, p95 over
 * the repetitions). "cold" is the first proposal on the data (a restarted controller).
 *
 *   npx tsx bench/suggest-latency.ts [--reps 10] [--sizes 50,200,1000,2000] [--dims 6,20]
 */
import { quantile } from 'simple-statistics';
import type { Config } from '../src/config/types.js';
import type { RunRecord } from '../src/run-record.js';
import { nextRuns } from '../src/search/next-runs.js';
import { createRng } from '../src/space/rng.js';
import { boxSpace, sweepOf, vectorOf, type TestFunction } from './functions/test-function.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const reps = Number(opt('reps') ?? 10);
const sizes = (opt('sizes') ?? '50,200,1000,2000').split(',').map(Number);
const dimsList = (opt('dims') ?? '6,20').split(',').map(Number);

/** A smooth objective with a few bumps, so the GP has something to fit. */
function objective(dims: number): TestFunction {
  return {
    name: `bumps-${dims}d`,
    parameters: boxSpace(dims, 0, 1),
    evaluate: (c: Config) => {
      const x = vectorOf(c, dims);
      let f = 0;
      x.forEach((v, i) => {
        f += (v - 0.3) ** 2 + 0.1 * Math.sin(7 * v + i);
      });
      return f;
    },
    minimum: 0,
    budget: 0,
  };
}

interface Row {
  dims: number;
  runs: number;
  coldMs: number;
  p50Ms: number;
  p95Ms: number;
  p50CpuMs: number;
}
const rows: Row[] = [];
for (const dims of dimsList) {
  const fn = objective(dims);
  const config = sweepOf(fn, 'bayes');
  for (const n of sizes) {
    const rng = createRng('latency', dims, n);
    const runs: RunRecord[] = [];
    const addRun = (): void => {
      const c: Config = {};
      for (let i = 1; i <= dims; i++) c[`x${i}`] = rng.next();
      runs.push({ id: `r${runs.length}`, state: 'finished', config: c, history: [{ _step: 0, loss: fn.evaluate(c) }] });
    };
    while (runs.length < n) addRun();
    let t = performance.now();
    nextRuns(config, runs, { count: 1, seed: 1 });
    const coldMs = performance.now() - t;
    const times: number[] = [];
    const cpu: number[] = [];
    const r = n >= 1000 ? Math.max(3, Math.ceil(reps / 2)) : reps;
    for (let k = 0; k < r; k++) {
      addRun();
      t = performance.now();
      const c0 = process.cpuUsage();
      nextRuns(config, runs, { count: 1, seed: 1 });
      times.push(performance.now() - t);
      const c1 = process.cpuUsage(c0);
      cpu.push((c1.user + c1.system) / 1000);
    }
    // CPU time of this process: on a shared, loaded machine wall time mostly measures the queue
    const row = { dims, runs: n, coldMs, p50Ms: quantile(times, 0.5), p95Ms: quantile(times, 0.95), p50CpuMs: quantile(cpu, 0.5) };
    rows.push(row);
    process.stderr.write(`${dims}-D ${n} runs: cold ${coldMs.toFixed(0)} ms, p50 ${row.p50Ms.toFixed(1)} ms (CPU ${row.p50CpuMs.toFixed(1)} ms)\n`);
  }
}
console.log('bayes: ms per proposal (count 1); warm = one more finished run than the previous call');
console.log(['dims', 'finished runs', 'p50 warm', 'p95 warm', 'p50 warm CPU', 'cold (first call)'].map((h) => h.padEnd(18)).join(''));
for (const r of rows) console.log([String(r.dims), String(r.runs), r.p50Ms.toFixed(1), r.p95Ms.toFixed(1), r.p50CpuMs.toFixed(1), r.coldMs.toFixed(0)].map((c) => c.padEnd(18)).join(''));
console.log(JSON.stringify({ bench: 'suggest-latency', reps, rows }));
