/**
 * The one definition of a run's score: which value of its history counts. Used by search
 * (what bayes fits), stopping (thresholds) and "best config".
 */
import type { MetricSpec } from '../config/types.js';
import type { RunRecord } from '../run-record.js';
import { isFiniteNumber } from './finite-number.js';

/**
 * The run's score under `metric`, or undefined when it has logged no finite value.
 * `summary: 'best'` (default, W&B's optimizer semantics): the best finite value over the
 * history and the summary. `summary: 'last'`: the summary's value when present, else the
 * last finite value in the history.
 */
export function runScore(run: Pick<RunRecord, 'history' | 'summary'>, metric: MetricSpec): number | undefined {
  const fromSummary = run.summary?.[metric.name];
  const summaryValue = isFiniteNumber(fromSummary) ? fromSummary : undefined;
  if (metric.summary === 'last') {
    if (summaryValue !== undefined) return summaryValue;
    for (let i = run.history.length - 1; i >= 0; i--) {
      const v = run.history[i]![metric.name];
      if (isFiniteNumber(v)) return v;
    }
    return undefined;
  }
  let best = summaryValue;
  for (const row of run.history) {
    const v = row[metric.name];
    if (!isFiniteNumber(v)) continue;
    if (best === undefined || isBetter(v, best, metric.goal)) best = v;
  }
  return best;
}

/** Whether `a` is strictly better than `b` for the goal. */
export function isBetter(a: number, b: number, goal: MetricSpec['goal']): boolean {
  return goal === 'maximize' ? a > b : a < b;
}
