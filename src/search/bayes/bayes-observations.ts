/**
 * What bayes learns from the runs, by state, with W&B's `impute` and `impute_while_running`
 * (sweeps/bayes_search.py `_construct_gp_data` and `impute`):
 * - finished, stopped: their score (runScore; stopped runs reported values, so they count);
 *   one without any value of the metric is imputed `worst`, as W&B does for `impute: worst`;
 * - failed, crashed (final: a lost attempt with attempts left is queued again as `pending`):
 *   imputed by `metric.impute` — `worst` (default): the worst value any ended run ever logged
 *   (per run the extremum against the goal, over history and summary, then the worst of those);
 *   `best`: the run's own best value; `latest`: its last logged value;
 * - running: with `impute_while_running` (`latest`, `best`, `worst`) an observation like a
 *   finished run — its score, or that imputation when it has no value yet; without it, a fantasy;
 * - pending: not known yet — its config becomes a fantasy;
 * - canceled: nothing (it never trained), but its config is not proposed again.
 * Where W&B falls back to 0.0 (a `best`/`latest` run with no value, or no ended run with a value
 * for `worst`), hypersweep uses the worst value instead (0.0 would be an invented optimum for a
 * loss), and with no value at all bayes keeps its initial design.
 */
import type { MetricSpec } from '../../config/types.js';
import { isFiniteNumber } from '../../metrics/finite-number.js';
import { runScore } from '../../metrics/run-score.js';
import type { RunRecord } from '../../run-record.js';
import type { UnitCube } from '../../space/unit-cube.js';

export interface Observations {
  /** Encoded points, row-major (n × dims), observed ones in run order. */
  x: Float64Array;
  /** Loss (lower is better: the score, negated when the goal is maximize), imputed included. */
  loss: Float64Array;
  n: number;
  /** Runs with a score of their own. */
  scored: number;
  /** Runs given an imputed value (failed, crashed, or without a value). */
  imputed: number;
  /** How failed and crashed runs were imputed (`metric.impute`). @defaultValue 'worst' */
  imputedAs?: 'latest' | 'best' | 'worst';
  /** Encoded configs of runs still going. */
  pending: Float64Array[];
}

/** The observations of `runs` under `metric` in the unit cube `cube`. */
export function collectObservations(runs: readonly RunRecord[], metric: MetricSpec, cube: UnitCube): Observations {
  const sign = metric.goal === 'maximize' ? -1 : 1;
  const strategy = metric.impute ?? 'worst';
  const whileRunning = metric.impute_while_running === 'false' ? undefined : metric.impute_while_running;
  const rows: { point: Float64Array; loss: number | undefined; own: boolean }[] = [];
  const pending: Float64Array[] = [];
  const lossOf = (v: number | undefined): number | undefined => (v === undefined ? undefined : sign * v);
  const observe = (run: RunRecord, imputeWith: typeof strategy): void => {
    const score = lossOf(runScore(run, metric));
    rows.push({ point: cube.encode(run.config), loss: score ?? (imputeWith === 'worst' ? undefined : lossOf(ownValue(run, metric, imputeWith))), own: score !== undefined });
  };
  for (const run of runs) {
    switch (run.state) {
      case 'finished':
      case 'stopped':
        observe(run, 'worst');
        break;
      case 'failed':
      case 'crashed':
        rows.push({ point: cube.encode(run.config), loss: strategy === 'worst' ? undefined : lossOf(ownValue(run, metric, strategy)), own: false });
        break;
      case 'running':
        if (whileRunning) observe(run, whileRunning);
        else pending.push(cube.encode(run.config));
        break;
      case 'pending':
        pending.push(cube.encode(run.config));
        break;
      case 'canceled':
        break;
    }
  }
  const worst = worstLoss(runs, metric, sign);
  const scored = rows.filter((r) => r.own).length;
  const kept = scored > 0 && worst !== undefined ? rows : [];
  const x = new Float64Array(kept.length * cube.dims);
  const loss = new Float64Array(kept.length);
  kept.forEach((r, i) => {
    x.set(r.point, i * cube.dims);
    loss[i] = r.loss ?? worst!;
  });
  return { x, loss, n: kept.length, scored: kept.length > 0 ? scored : 0, imputed: kept.length - scored, imputedAs: strategy, pending };
}

/** W&B's `best` (the run's best value over history and summary) or `latest` (its last logged value). */
function ownValue(run: RunRecord, metric: MetricSpec, strategy: 'best' | 'latest'): number | undefined {
  if (strategy === 'best') return runScore(run, { ...metric, summary: 'best' });
  for (let i = run.history.length - 1; i >= 0; i--) {
    const v = run.history[i]![metric.name];
    if (isFiniteNumber(v)) return v;
  }
  return undefined;
}

/** W&B's `worst`, as a loss: over ended runs, each run's worst value (history and summary), the worst of those. */
function worstLoss(runs: readonly RunRecord[], metric: MetricSpec, sign: number): number | undefined {
  let worst: number | undefined;
  for (const run of runs) {
    if (run.state !== 'finished' && run.state !== 'stopped' && run.state !== 'failed' && run.state !== 'crashed') continue;
    const values = run.history.map((row) => row[metric.name]).filter(isFiniteNumber);
    const summary = run.summary?.[metric.name];
    if (isFiniteNumber(summary)) values.push(summary);
    for (const v of values) worst = worst === undefined ? sign * v : Math.max(worst, sign * v);
  }
  return worst;
}
