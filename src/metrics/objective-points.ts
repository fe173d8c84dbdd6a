/**
 * A multi-objective sweep's runs as points: each run's score per metric (objectives.ts) and
 * whether it is on the Pareto front (pareto-set.ts). The front is taken among runs that ended
 * with values (finished or stopped: their scores no longer change) and have a score for every
 * metric; a running run is a point but not yet a candidate.
 */
import type { Config, MetricSpec } from '../config/types.js';
import type { RunRecord, RunState } from '../run-record.js';
import { runScores } from './objectives.js';
import { paretoSet } from './pareto-set.js';

/** Runs in these states can be on the front. */
export const PARETO_STATES: readonly RunState[] = ['finished', 'stopped'];

export interface ObjectivePoint {
  runId: string;
  state: RunState;
  /** Score per metric name; null where the run has none. */
  values: Record<string, number | null>;
  pareto: boolean;
}

/** One member of the Pareto set, as `GET /api/sweeps/:id/best` answers it. */
export interface ParetoMember {
  runId: string;
  config: Config;
  values: Record<string, number>;
}

/** Every run with at least one score, in run order, front members marked. */
export function objectivePoints(runs: readonly RunRecord[], metrics: readonly MetricSpec[]): ObjectivePoint[] {
  const scored = runs.map((run) => ({ run, id: run.id, values: runScores(run, metrics) }));
  const front = new Set(paretoFrontOf(scored, metrics).map((p) => p.id));
  return scored
    .filter((p) => p.values.some((v) => v !== undefined))
    .map((p) => ({
      runId: p.id,
      state: p.run.state,
      values: Object.fromEntries(metrics.map((m, k) => [m.name, p.values[k] ?? null])),
      pareto: front.has(p.id),
    }));
}

/** The Pareto set of the runs, sorted by the first metric (best first). */
export function paretoMembers(runs: readonly RunRecord[], metrics: readonly MetricSpec[]): ParetoMember[] {
  const scored = runs.map((run) => ({ run, id: run.id, values: runScores(run, metrics) }));
  return paretoFrontOf(scored, metrics).map((p) => ({
    runId: p.id,
    config: p.run.config,
    values: Object.fromEntries(metrics.map((m, k) => [m.name, p.values[k] as number])),
  }));
}

function paretoFrontOf<T extends { run: RunRecord; id: string; values: Array<number | undefined> }>(scored: readonly T[], metrics: readonly MetricSpec[]): T[] {
  return paretoSet(
    scored.filter((p) => PARETO_STATES.includes(p.run.state)),
    metrics.map((m) => m.goal),
  );
}
