/**
 * Score keeping: a run's score (src/metrics/run-score.ts) is written to the store whenever it
 * changes, and a score that reaches metric.target finishes the sweep (with `metrics:`, a run
 * whose scores reach every target: objectives.ts).
 */
import { HypersweepError } from '../errors.js';
import { meetsTargets, objectivesOf, runScores } from '../metrics/objectives.js';
import { runScore } from '../metrics/run-score.js';
import type { CachedRun } from './run-cache.js';
import { sweepActive, type LeaderState } from './leader-state.js';
import { enforceSweepState } from './stop-delivery.js';

export function scoreOf(s: LeaderState, entry: CachedRun): number | null {
  const metric = s.config.metric;
  if (!metric) return null;
  return runScore(entry.record, metric) ?? null;
}

/**
 * Write the changed scores of `entries` (with the acknowledgement of the event entries `ack`,
 * in the same round trip, when given); finish the sweep when a score reaches metric.target.
 */
export async function rescore(s: LeaderState, entries: Iterable<CachedRun>, ack?: { ids: readonly string[]; trim: boolean }): Promise<void> {
  const changes: Array<{ runId: string; score: number | null }> = [];
  const metric = s.config.metric;
  const objectives = objectivesOf(s.config);
  const hasTarget = objectives.some((m) => m.target !== undefined);
  let reached: CachedRun | undefined;
  for (const entry of entries) {
    const score = scoreOf(s, entry);
    if (score !== entry.score) {
      entry.score = score;
      changes.push({ runId: entry.record.id, score });
    }
    if (hasTarget && meetsTargets(runScores(entry.record, objectives), objectives)) reached = entry;
  }
  await s.store.settleEvents(ack?.ids ?? [], ack?.trim ?? false, changes);
  if (reached && metric && sweepActive(s)) {
    const scores = runScores(reached.record, objectives);
    const what = objectives.flatMap((m, k) => (m.target === undefined ? [] : [`${m.name} ${scores[k]} (target ${m.target})`])).join(', ');
    await finishSweep(s, `${objectives.length > 1 ? 'metrics targets' : 'metric.target'} reached: run ${reached.record.id} has ${what}`);
  }
}

/** Finish the sweep (budget used up, target reached); nothing when it already ended. */
export async function finishSweep(s: LeaderState, reason: string): Promise<void> {
  try {
    await s.store.setState('finished', { from: ['running', 'paused'], reason });
    s.state = 'finished';
    s.options.log(`sweep ${s.sweepId}: finished: ${reason}`);
    await s.store.wake();
    await enforceSweepState(s);
  } catch (err) {
    if (!(err instanceof HypersweepError && err.code === 'CONFLICT')) throw err;
  }
}
