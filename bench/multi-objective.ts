/**
 * Several objectives: hypervolume of the runs found by bayes (ParEGO over `metrics:`) and by
 * random search, sequentially through nextRuns (one run at a time, each seeing every earlier
 * result), on BraninCurrin (2-D) and DTLZ2 (4-D, 2 objectives).
 *
 *   npx tsx bench/multi-objective.ts [--seeds 10] [--runs 80] [--only dtlz2]
 *
 * Prints the median [q1, q3] hypervolume after 40 and 80 runs as a fraction of the largest
 * possible (BoTorch's reference points), and a final JSON line.
 */
import { quantile } from 'simple-statistics';
import type { SweepConfig } from '../src/config/types.js';
import { hypervolume2d } from '../src/metrics/hypervolume.js';
import type { RunRecord } from '../src/run-record.js';
import { nextRuns } from '../src/search/next-runs.js';
import { braninCurrin, dtlz2, type MultiObjectiveProblem } from './multi-objective/problems.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seeds = Number(opt('seeds') ?? 10);
const budget = Number(opt('runs') ?? 80);
const only = opt('only')?.split(',');
const CHECKPOINTS = [40, 80].filter((n) => n <= budget);
const METHODS: Array<SweepConfig['method']> = ['bayes', 'random'];

function sweep(problem: MultiObjectiveProblem, method: SweepConfig['method']): SweepConfig {
  const metrics = [
    { name: 'f1', goal: 'minimize' as const, summary: 'best' as const },
    { name: 'f2', goal: 'minimize' as const, summary: 'best' as const },
  ];
  return { method, parameters: problem.parameters, metric: metrics[0], metrics, execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false }, extra: {} };
}

/** Hypervolume (fraction of the maximum) after each run, and ms per proposal. */
function trace(problem: MultiObjectiveProblem, method: SweepConfig['method'], seed: number): { hv: number[]; ms: number } {
  const config = sweep(problem, method);
  const runs: RunRecord[] = [];
  const points: Array<[number, number]> = [];
  const hv: number[] = [];
  let ms = 0;
  for (let t = 0; t < budget; t++) {
    const start = performance.now();
    const [proposal] = nextRuns(config, runs, { count: 1, seed }).proposals;
    ms += performance.now() - start;
    if (!proposal) throw new Error(`${method} gave no proposal on ${problem.name} at run ${t}`);
    const [f1, f2] = problem.evaluate(proposal.config);
    runs.push({ id: `r${t}`, state: 'finished', config: proposal.config, history: [{ _step: 0, f1, f2 }] });
    points.push([f1, f2]);
    hv.push(hypervolume2d(points, problem.reference) / problem.maxHypervolume);
  }
  return { hv, ms: ms / budget };
}

interface Row { problem: string; method: string; runs: number; median: number; q1: number; q3: number; msPerProposal: number }
const rows: Row[] = [];
const started = performance.now();
for (const problem of [braninCurrin, dtlz2]) {
  if (only && !only.some((w) => problem.name.includes(w))) continue;
  for (const method of METHODS) {
    const traces = Array.from({ length: seeds }, (_, s) => trace(problem, method, 1000 + s));
    for (const n of CHECKPOINTS) {
      const v = traces.map((tr) => tr.hv[n - 1]!);
      rows.push({ problem: problem.name, method, runs: n, median: quantile(v, 0.5), q1: quantile(v, 0.25), q3: quantile(v, 0.75), msPerProposal: traces.reduce((s, tr) => s + tr.ms, 0) / seeds });
    }
    process.stderr.write(`${problem.name} ${method} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
}

console.log(`hypervolume / largest possible, over ${seeds} seeds (median [q1, q3]), sequential runs`);
console.log(['problem', 'method', 'runs', 'median', 'q1', 'q3', 'ms/proposal'].map((h) => h.padEnd(18)).join(''));
for (const r of rows) console.log([r.problem, r.method, String(r.runs), r.median.toFixed(4), r.q1.toFixed(4), r.q3.toFixed(4), r.msPerProposal.toFixed(1)].map((c) => c.padEnd(18)).join(''));
console.log(JSON.stringify({ bench: 'multi-objective', seeds, rows, seconds: Math.round((performance.now() - started) / 1000) }));
