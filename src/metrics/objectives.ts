/**
 * The objectives of a sweep and a run's scores under them: one value per metric, each by the
 * one score definition (run-score.ts). A single-metric sweep has one objective; a sweep with
 * `metrics:` has them all, in file order.
 */
import type { MetricSpec, SweepConfig } from '../config/types.js';
import type { RunRecord } from '../run-record.js';
import { runScore } from './run-score.js';

/** The metrics a sweep optimizes: `metrics` when given, else `[metric]`, else none. */
export function objectivesOf(config: Pick<SweepConfig, 'metric' | 'metrics'>): MetricSpec[] {
  if (config.metrics && config.metrics.length > 0) return config.metrics;
  return config.metric ? [config.metric] : [];
}

/** The run's score under each metric (undefined where it logged no finite value). */
export function runScores(run: Pick<RunRecord, 'history' | 'summary'>, metrics: readonly MetricSpec[]): Array<number | undefined> {
  return metrics.map((m) => runScore(run, m));
}

/**
 * True when the scores reach every target the metrics set (a score equal to its target counts),
 * and at least one metric sets a target. A missing score reaches nothing.
 */
export function meetsTargets(scores: ReadonlyArray<number | undefined>, metrics: readonly MetricSpec[]): boolean {
  let any = false;
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i]!;
    if (m.target === undefined) continue;
    any = true;
    const s = scores[i];
    if (s === undefined || (m.goal === 'maximize' ? s < m.target : s > m.target)) return false;
  }
  return any;
}
