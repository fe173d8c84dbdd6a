/**
 * Conditional parameters: bayes with `when:` against bayes on the same problem written flat
 * (every branch's parameters always searched, the objective ignoring the other branches'), and
 * random, sequentially through nextRuns. The problem: an optimizer branch (sgd, adam, rmsprop),
 * a shared learning rate and two parameters of each branch; each branch is a scaled Branin on
 * its two parameters plus a branch offset and a learning-rate term (global minimum in adam).
 *
 *   npx tsx bench/conditional-search.ts [--seeds 10] [--runs 60]
 *
 * Prints the median [q1, q3] simple regret at 30 and 60 runs, and a final JSON line.
 */
import { quantile } from 'simple-statistics';
import type { Config, ParameterSpace, SweepConfig } from '../src/config/types.js';
import type { RunRecord } from '../src/run-record.js';
import { nextRuns } from '../src/search/next-runs.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const seeds = Number(opt('seeds') ?? 10);
const budget = Number(opt('runs') ?? 60);
const CHECKPOINTS = [30, 60].filter((n) => n <= budget);

const BRANCHES = {
  sgd: { params: ['momentum', 'dampening'], offset: 0.3, lr: 0.2 },
  adam: { params: ['beta1', 'beta2'], offset: 0, lr: 0.7 },
  rmsprop: { params: ['rho', 'eps_scale'], offset: 0.15, lr: 0.5 },
} as const;
type Branch = keyof typeof BRANCHES;
const BRANIN_MIN = 0.397887357729738;
const MINIMUM = BRANIN_MIN / 40;

function braninUnit(u: number, v: number): number {
  const x = 15 * u - 5;
  const y = 15 * v;
  return (y - (5.1 / (4 * Math.PI ** 2)) * x * x + (5 / Math.PI) * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
}

function evaluate(c: Config): number {
  const b = BRANCHES[c.optimizer as Branch];
  const [p, q] = b.params;
  return braninUnit(c[p] as number, c[q] as number) / 40 + b.offset + 0.5 * ((c.lr as number) - b.lr) ** 2;
}

function space(conditional: boolean): ParameterSpace {
  const s: ParameterSpace = {
    optimizer: { distribution: 'categorical', values: Object.keys(BRANCHES) },
    lr: { distribution: 'uniform', min: 0, max: 1 },
  };
  for (const [name, b] of Object.entries(BRANCHES)) {
    for (const p of b.params) s[p] = { distribution: 'uniform', min: 0, max: 1, ...(conditional ? { when: { optimizer: [name] } } : {}) };
  }
  return s;
}

const VARIANTS: Array<{ name: string; method: SweepConfig['method']; conditional: boolean }> = [
  { name: 'bayes + when', method: 'bayes', conditional: true },
  { name: 'bayes flat', method: 'bayes', conditional: false },
  { name: 'random + when', method: 'random', conditional: true },
];

function trace(v: (typeof VARIANTS)[number], seed: number): { regret: number[]; ms: number } {
  const config: SweepConfig = {
    method: v.method,
    parameters: space(v.conditional),
    metric: { name: 'loss', goal: 'minimize', summary: 'best' },
    execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false },
    extra: {},
  };
  const runs: RunRecord[] = [];
  const regret: number[] = [];
  let best = Infinity;
  let ms = 0;
  for (let t = 0; t < budget; t++) {
    const start = performance.now();
    const [proposal] = nextRuns(config, runs, { count: 1, seed }).proposals;
    ms += performance.now() - start;
    if (!proposal) throw new Error(`${v.name} gave no proposal at run ${t}`);
    const loss = evaluate(proposal.config);
    runs.push({ id: `r${t}`, state: 'finished', config: proposal.config, history: [{ _step: 0, loss }] });
    best = Math.min(best, loss);
    regret.push(best - MINIMUM);
  }
  return { regret, ms: ms / budget };
}

interface Row { variant: string; runs: number; median: number; q1: number; q3: number; msPerProposal: number }
const rows: Row[] = [];
const started = performance.now();
for (const v of VARIANTS) {
  const traces = Array.from({ length: seeds }, (_, s) => trace(v, 2000 + s));
  for (const n of CHECKPOINTS) {
    const r = traces.map((tr) => tr.regret[n - 1]!);
    rows.push({ variant: v.name, runs: n, median: quantile(r, 0.5), q1: quantile(r, 0.25), q3: quantile(r, 0.75), msPerProposal: traces.reduce((s, tr) => s + tr.ms, 0) / seeds });
  }
  process.stderr.write(`${v.name} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}
const fmt = (x: number): string => (x === 0 ? '0' : Math.abs(x) >= 0.001 ? x.toFixed(4) : x.toExponential(2));
console.log(`simple regret over ${seeds} seeds (median [q1, q3]), 3 optimizer branches × 2 parameters + shared lr`);
console.log(['variant', 'runs', 'median', 'q1', 'q3', 'ms/proposal'].map((h) => h.padEnd(16)).join(''));
for (const r of rows) console.log([r.variant, String(r.runs), fmt(r.median), fmt(r.q1), fmt(r.q3), r.msPerProposal.toFixed(1)].map((c) => c.padEnd(16)).join(''));
console.log(JSON.stringify({ bench: 'conditional-search', seeds, rows, seconds: Math.round((performance.now() - started) / 1000) }));
