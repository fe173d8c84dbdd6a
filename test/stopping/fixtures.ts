/** Builders for stopping tests: sweep configs and run records from plain metric values. */
import type { EarlyTerminateSpec, Goal, SweepConfig } from '../../src/config/types.js';
import type { HistoryRow, RunRecord, RunState } from '../../src/run-record.js';

export function sweep(earlyTerminate: EarlyTerminateSpec | undefined, metric: { name?: string; goal?: Goal } | null = {}): SweepConfig {
  return {
    method: 'random',
    ...(metric ? { metric: { name: metric.name ?? 'loss', goal: metric.goal ?? 'minimize', summary: 'best' as const } } : {}),
    parameters: { lr: { distribution: 'uniform', min: 0, max: 1 } },
    ...(earlyTerminate ? { early_terminate: earlyTerminate } : {}),
    execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false },
    extra: {},
  };
}

/** A run whose history logs `values` under `metric`, one row per value; `undefined` logs a row without it. */
export function run(id: string, state: RunState, values: ReadonlyArray<number | undefined>, metric = 'loss'): RunRecord {
  const history: HistoryRow[] = values.map((v, i) => (v === undefined ? { _step: i, other: 1 } : { _step: i, [metric]: v }));
  return { id, state, config: { lr: 0.1 }, history };
}

export const ids = (decisions: ReadonlyArray<{ runId: string }>): string[] => decisions.map((d) => d.runId);
