/**
 * Score keeping: a run's score (src/metrics/run-score.ts) is written to the store whenever it
 * changes, and a score that reaches metric.target finishes the sweep.
 */
import { HypersweepError } from '../errors.js';
import { isBetter, runScore } from '../metrics/run-score.js';
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
  let reached: CachedRun | undefined;
  for (const entry of entries) {
    const score = scoreOf(s, entry);
    if (score !== entry.score) {
      entry.score = score;
      changes.push({ runId: entry.record.id, score });
    }
    if (metric?.target !== undefined && score !== null && !isBetter(metric.target, score, metric.goal)) reached = entry;
  }
  await s.store.settleEvents(ack?.ids ?? [], ack?.trim ?? false, changes);
  if (reached && metric && sweepActive(s)) {
    await finishSweep(s, `metric.target reached: run ${reached.record.id} has ${metric.name} ${reached.score} (target ${metric.target})`);
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
