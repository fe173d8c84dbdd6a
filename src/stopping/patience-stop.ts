/**
 * The patience rule (extension, `early_terminate: {type: patience}`), Keras EarlyStopping's
 * semantics over a run's reports: a report improves when it beats the best so far by more than
 * min_delta (then it becomes the best); a running run is stopped once its last `patience`
 * reports (at least one) brought no improvement.
 */
import type { SweepConfig } from '../config/types.js';
import type { RunRecord, StopDecision } from '../run-record.js';
import { compactNumber } from './compact-number.js';
import { metricReports } from './metric-reports.js';

/** The patience rule; [] unless early_terminate is patience and the sweep has a metric. */
export function patienceStop(config: SweepConfig, runs: readonly RunRecord[]): StopDecision[] {
  const spec = config.early_terminate;
  const metric = config.metric;
  if (spec?.type !== 'patience' || !metric) return [];
  const minDelta = Math.abs(spec.min_delta ?? 0);
  const improves = (v: number, best: number): boolean => (metric.goal === 'maximize' ? v > best + minDelta : v < best - minDelta);

  const decisions: StopDecision[] = [];
  for (const run of runs) {
    if (run.state !== 'running') continue;
    const reports = metricReports(run, metric.name);
    if (reports.length === 0) continue;
    let best = reports[0]!;
    let bestAt = 1;
    for (let i = 1; i < reports.length; i++) {
      if (improves(reports[i]!, best)) {
        best = reports[i]!;
        bestAt = i + 1;
      }
    }
    const stale = reports.length - bestAt;
    if (stale < Math.max(1, spec.patience)) continue;
    const by = minDelta > 0 ? ` by more than ${compactNumber(minDelta)}` : '';
    decisions.push({
      runId: run.id,
      reason:
        `${metric.name} has not improved${by} for ${stale} report${stale === 1 ? '' : 's'} ` +
        `(best ${compactNumber(best)} at report ${bestAt} of ${reports.length}; patience ${spec.patience})`,
    });
  }
  return decisions;
}
