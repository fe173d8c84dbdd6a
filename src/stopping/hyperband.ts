/**
 * W&B's hyperband early termination, following wandb/sweeps src/sweeps/hyperband_stopping.py
 * (the version with `strict`, `h[band - 1]` and `band <= len(history)`).
 *
 * Brackets count a run's reports of the metric (finite values only), never `_step`. At each
 * bracket b the threshold is the value at index floor(n/eta) of the best-first sorted values
 * that all n runs (any state) with at least b reports logged at their b-th report. A running
 * run is judged at the largest bracket it has reached: strict (default) compares its value at
 * that bracket, non-strict its best value so far; it is stopped when that value is strictly
 * worse than the threshold (ties survive).
 *
 * Where W&B's docs and code disagree, this follows the code:
 * 1. `strict` default: the docs say "Defaults to false"; the schema (schema.json `"default":
 *    true`, filled in by fill_validate_early_terminate) and so the code use true.
 * 2. Brackets from `min_iter`: the docs show 4 brackets (`[3, 9, 27, 81]`); the code makes 100,
 *    trunc(min_iter·eta^k) for k = 0..99 (repeated float multiplication): no practical last one.
 * 3. Brackets from `max_iter`: the docs list `[27/eta, 27/eta/eta]` = `[9, 3]` and call `s` "the
 *    total number of brackets"; the code truncates each (repeated float division, then `int`),
 *    drops those below 1 (so `s` is an upper bound) and uses them in ascending order.
 * 4. The comparison: the docs say a run reaching a bracket is compared "to all previously
 *    reported metric values"; the code compares it to one threshold, the top-1/eta quantile
 *    (index floor(n/eta), computed as `int((1/eta)·n)`) of the values at that bracket of every
 *    run that reached it: the run itself and finished, failed and stopped runs included.
 * 5. Timing: the docs say runs are checked "once every few minutes"; hypersweep evaluates on
 *    each metric report (design.md), so a run is judged as soon as it reaches a bracket.
 * The docs are silent on these; the code decides:
 * 6. Non-strict mode still builds thresholds from each run's value *at* the bracket (never its
 *    best so far); only the judged run's value becomes its best over its whole history.
 * 7. A strict run is judged by its value at the largest bracket reached, not its latest value,
 *    so between brackets the verdict does not change.
 * 8. A run has reached bracket b once it has b reports (`band <= len(history)`, value
 *    `history[band - 1]`); earlier versions of the file used `band < len` and `history[band]`.
 *
 * Where the code fails or misbehaves, hypersweep decides instead (the config parser rejects
 * most of these): `max_iter` without `s` (KeyError) falls back to `min_iter`, else no brackets;
 * a bracket below 1 (min_iter < 1; W&B would read `history[-1]`) is dropped; `eta <= 1`
 * (ValueError or IndexError) gives no brackets; brackets past float range (OverflowError in
 * `int(inf)` for a huge eta) are left out; a fractional `s` counts as its ceiling (TypeError).
 */
import { MAX_HYPERBAND_S } from '../config/sweep-file-limits.js';
import type { HyperbandSpec, MetricSpec, SweepConfig } from '../config/types.js';
import { isBetter } from '../metrics/run-score.js';
import type { RunRecord, StopDecision } from '../run-record.js';
import { compactNumber } from './compact-number.js';
import { bestReport, metricReports } from './metric-reports.js';

/** W&B builds this many brackets from `min_iter`. */
const MIN_ITER_BRACKET_COUNT = 100;

/** Brackets of the sweeps seen lately, by spec: computed once per sweep, not per batch of reports. */
const bracketMemo = new Map<string, readonly number[]>();
/** Specs kept in bracketMemo (one per live sweep is plenty). */
const BRACKET_MEMO_SIZE = 256;

function memoBrackets(spec: Pick<HyperbandSpec, 'min_iter' | 'max_iter' | 's' | 'eta'>): readonly number[] {
  const key = `${spec.min_iter}|${spec.max_iter}|${spec.s}|${spec.eta}`;
  let brackets = bracketMemo.get(key);
  if (!brackets) {
    if (bracketMemo.size >= BRACKET_MEMO_SIZE) bracketMemo.clear();
    brackets = hyperbandBrackets(spec);
    bracketMemo.set(key, brackets);
  }
  return brackets;
}

/**
 * The report counts at which runs are judged, ascending and distinct, exactly as W&B's code
 * derives them (see the notes above). [] when the spec gives none.
 */
export function hyperbandBrackets(spec: Pick<HyperbandSpec, 'min_iter' | 'max_iter' | 's' | 'eta'>): number[] {
  const { eta } = spec;
  if (!Number.isFinite(eta) || eta <= 1) return [];
  const brackets: number[] = [];
  if (spec.max_iter !== undefined && spec.s !== undefined) {
    let band = spec.max_iter;
    // At most MAX_HYPERBAND_S brackets, whatever a stored sweep says (eta 1.000001 with a huge s
    // and max_iter once built millions on every batch).
    for (let i = 0; i < Math.min(spec.s, MAX_HYPERBAND_S); i++) {
      band /= eta;
      if (band < 1) break;
      brackets.push(Math.trunc(band));
    }
  } else if (spec.min_iter !== undefined) {
    let band = spec.min_iter;
    for (let i = 0; i < MIN_ITER_BRACKET_COUNT && Number.isFinite(band); i++) {
      brackets.push(Math.trunc(band));
      band *= eta;
    }
  }
  return [...new Set(brackets.filter((b) => b >= 1))].sort((a, b) => a - b);
}

/** The hyperband stopping rule; [] unless early_terminate is hyperband and the sweep has a metric. */
export function hyperbandStop(config: SweepConfig, runs: readonly RunRecord[]): StopDecision[] {
  const spec = config.early_terminate;
  const metric = config.metric;
  if (spec?.type !== 'hyperband' || !metric) return [];
  const strict = spec.strict !== false;
  const allReports = runs.map((run) => metricReports(run, metric.name));
  const longest = allReports.reduce((max, r) => Math.max(max, r.length), 0);
  const brackets = memoBrackets(spec).filter((b) => b <= longest);
  const thresholds = new Map(brackets.map((b) => [b, bracketThreshold(allReports, b, spec.eta, metric)]));

  const decisions: StopDecision[] = [];
  runs.forEach((run, i) => {
    if (run.state !== 'running') return;
    const reports = allReports[i]!;
    const bracket = brackets.filter((b) => b <= reports.length).at(-1);
    if (bracket === undefined) return;
    const { threshold, reached } = thresholds.get(bracket)!;
    const value = strict ? reports[bracket - 1]! : bestReport(reports, metric.goal);
    if (!isBetter(threshold, value, metric.goal)) return;
    const what = strict ? metric.name : `best ${metric.name}`;
    decisions.push({
      runId: run.id,
      reason:
        `bracket ${bracket}: ${what} ${compactNumber(value, threshold)} worse than threshold ` +
        `${compactNumber(threshold, value)} (top 1/${compactNumber(spec.eta)} of ${reached} run${reached === 1 ? '' : 's'})`,
    });
  });
  return decisions;
}

/** The value at index floor(n/eta) of the best-first values at report `bracket` of the n runs that reached it. */
function bracketThreshold(allReports: number[][], bracket: number, eta: number, metric: MetricSpec): { threshold: number; reached: number } {
  const values = allReports.filter((r) => r.length >= bracket).map((r) => r[bracket - 1]!);
  values.sort((a, b) => (metric.goal === 'maximize' ? b - a : a - b));
  return { threshold: values[Math.trunc((1 / eta) * values.length)]!, reached: values.length };
}
