/**
 * A run's reports of a metric: the finite numbers it logged under that name, in the order logged.
 * Rows without the metric, or holding NaN, ±Infinity or a non-number, are not reports.
 * Stopping rules count reports, never `_step` (W&B: "the numerical value of the step counter is
 * not used in bracket calculations").
 */
import type { Goal } from '../config/types.js';
import { isFiniteNumber } from '../metrics/finite-number.js';
import { isBetter } from '../metrics/run-score.js';
import type { RunRecord } from '../run-record.js';

export function metricReports(run: Pick<RunRecord, 'history'>, metricName: string): number[] {
  const out: number[] = [];
  for (const row of run.history) {
    const v: unknown = row[metricName];
    if (isFiniteNumber(v)) out.push(v);
  }
  return out;
}

/** The best of a non-empty list of reports for the goal (the first of equals). */
export function bestReport(reports: readonly number[], goal: Goal): number {
  return reports.reduce((acc, v) => (isBetter(v, acc, goal) ? v : acc));
}
