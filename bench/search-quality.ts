/**
 * Search quality: simple regret (best value found − known minimum) of bayes and random on
 * standard test functions, sequentially (one run at a time, each seeing every earlier result),
 * through nextRuns as the controller calls it; `tpe` is the reference TPE of bench/tpe.ts.
 *
 *   npx tsx bench/search-quality.ts [--seeds 20] [--only 20d,branin] [--methods bayes,random,tpe]
 *                                   [--runs 100] [--first-seed 1000]
 *
 * --only keeps the functions whose name contains one of the words (`20d`, `levy`, `branin-2d`);
 * --runs caps every budget (for quick iterations). Prints a table (median, q1, q3 of regret at
 * the budget, and at the checkpoints W&B published: Branin after 40 runs, Hartmann6 after 80)
 * and a final JSON line.
 */
import { quantile } from 'simple-statistics';
import type { SweepConfig } from '../src/config/types.js';
import type { RunRecord } from '../src/run-record.js';
import { nextRuns } from '../src/search/next-runs.js';
import { allTestFunctions } from './functions/all-test-functions.js';
import { sweepOf, type TestFunction } from './functions/test-function.js';
import { tpeSuggest } from './tpe.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seeds = Number(opt('seeds') ?? 20);
const only = opt('only')?.split(',');
const methods = opt('methods')?.split(',') ?? ['bayes', 'random'];
const maxRuns = opt('runs') === undefined ? Infinity : Number(opt('runs'));
const firstSeed = Number(opt('first-seed') ?? 1000);
/** Runs at which W&B's published figures are given. */
const CHECKPOINTS: Record<string, number> = { 'branin-2d': 40, 'hartmann-6d': 80 };

/** Best-so-far regret after each run (index t = after t+1 runs), and ms per proposal. */
function trace(fn: TestFunction, method: string, seed: number): { regret: number[]; msPerProposal: number } {
  const config = sweepOf(fn, method === 'tpe' ? 'random' : (method as SweepConfig['method']));
  const runs: RunRecord[] = [];
  const regret: number[] = [];
  let best = Infinity;
  let ms = 0;
  const budget = budgetOf(fn);
  for (let t = 0; t < budget; t++) {
    const start = performance.now();
    const [proposal] = method === 'tpe' ? [{ config: tpeSuggest(fn.parameters, runs, seed) }] : nextRuns(config, runs, { count: 1, seed }).proposals;
    ms += performance.now() - start;
    if (!proposal) throw new Error(`${method} returned no proposal on ${fn.name} at run ${t}`);
    const value = fn.evaluate(proposal.config);
    runs.push({ id: `r${t}`, state: 'finished', config: proposal.config, history: [{ _step: 0, loss: value }] });
    best = Math.min(best, value);
    regret.push(Math.max(0, best - fn.minimum));
  }
  return { regret, msPerProposal: ms / budget };
}

function budgetOf(fn: TestFunction): number {
  return Math.min(fn.budget, maxRuns);
}

interface Row {
  function: string;
  method: string;
  runs: number;
  median: number;
  q1: number;
  q3: number;
  msPerProposal: number;
}

const rows: Row[] = [];
const started = performance.now();
for (const fn of allTestFunctions) {
  if (only && !only.some((word) => fn.name.includes(word))) continue;
  for (const method of methods) {
    const traces = Array.from({ length: seeds }, (_, s) => trace(fn, method, firstSeed + s));
    const at = (runs: number): Row => {
      const values = traces.map((tr) => tr.regret[runs - 1]!);
      return {
        function: fn.name,
        method,
        runs,
        median: quantile(values, 0.5),
        q1: quantile(values, 0.25),
        q3: quantile(values, 0.75),
        msPerProposal: traces.reduce((s, tr) => s + tr.msPerProposal, 0) / traces.length,
      };
    };
    const checkpoint = CHECKPOINTS[fn.name];
    if (checkpoint !== undefined && checkpoint < budgetOf(fn)) rows.push(at(checkpoint));
    rows.push(at(budgetOf(fn)));
    // each finished row at once, so a long run that is cut short still reports what it measured
    const mine = rows.filter((r) => r.function === fn.name && r.method === method);
    process.stderr.write(`${fn.name} ${method} done (${((performance.now() - started) / 1000).toFixed(0)} s) ${JSON.stringify(mine)}\n`);
  }
}

const fmt = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 0.01 && Math.abs(x) < 1e4 ? x.toFixed(3) : x.toExponential(2));
console.log(`simple regret over ${seeds} seeds (median [q1, q3]), sequential runs`);
console.log(['function', 'method', 'runs', 'median', 'q1', 'q3', 'ms/proposal'].map((h) => h.padEnd(16)).join(''));
for (const r of rows) {
  console.log([r.function, r.method, String(r.runs), fmt(r.median), fmt(r.q1), fmt(r.q3), r.msPerProposal.toFixed(1)].map((c) => c.padEnd(16)).join(''));
}
const ratios: Record<string, number> = {};
for (const r of rows) {
  if (r.method === 'random') continue;
  const rand = rows.find((o) => o.method === 'random' && o.function === r.function && o.runs === r.runs);
  if (rand) ratios[`${r.method} ${r.function}@${r.runs}`] = rand.median / Math.max(r.median, 1e-12);
}
if (Object.keys(ratios).length > 0) {
  console.log('random median / method median (> 1: better than random):');
  for (const [k, v] of Object.entries(ratios)) console.log(`  ${k.padEnd(28)} ${v >= 1e4 ? v.toExponential(1) : v.toFixed(2)}×`);
}
console.log(JSON.stringify({ bench: 'search-quality', seeds, rows, ratios, seconds: Math.round((performance.now() - started) / 1000) }));
