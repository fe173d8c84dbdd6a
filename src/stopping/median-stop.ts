/**
 * The median stopping rule (extension, `early_terminate: {type: median}`), after Ray Tune's
 * MedianStoppingRule and Optuna's MedianPruner. A running run with k reports (k >= warmup_steps)
 * is stopped when its best value so far is strictly worse than the median of the best values
 * over their first k reports of the other runs (any state) that made at least k reports, once
 * at least warmup_runs such runs exist. Ties survive.
 * Differences: Optuna compares against completed trials' values at the same step, Ray against
 * running averages at the same time; here every other run counts, by report count, best-so-far.
 */
import { median } from 'simple-statistics';
import type { SweepConfig } from '../config/types.js';
import { isBetter } from '../metrics/run-score.js';
import type { RunRecord, StopDecision } from '../run-record.js';
import { compactNumber } from './compact-number.js';
import { bestReport, metricReports } from './metric-reports.js';

/** The median stopping rule; [] unless early_terminate is median and the sweep has a metric. */
export function medianStop(config: SweepConfig, runs: readonly RunRecord[]): StopDecision[] {
  const spec = config.early_terminate;
  const metric = config.metric;
  if (spec?.type !== 'median' || !metric) return [];
  const allReports = runs.map((run) => metricReports(run, metric.name));
  const minReports = Math.max(1, spec.warmup_steps);
  const minOthers = Math.max(1, spec.warmup_runs);

  const decisions: StopDecision[] = [];
  runs.forEach((run, i) => {
    const reports = allReports[i]!;
    const k = reports.length;
    if (run.state !== 'running' || k < minReports) return;
    const others = allReports
      .filter((r, j) => j !== i && runs[j]!.id !== run.id && r.length >= k)
      .map((r) => bestReport(r.slice(0, k), metric.goal));
    if (others.length < minOthers) return;
    const value = bestReport(reports, metric.goal);
    const mid = median(others);
    if (!isBetter(mid, value, metric.goal)) return;
    decisions.push({
      runId: run.id,
      reason:
        `report ${k}: best ${metric.name} ${compactNumber(value, mid)} worse than median ${compactNumber(mid, value)} ` +
        `of ${others.length} other run${others.length === 1 ? '' : 's'} at ${k} reports`,
    });
  });
  return decisions;
}
