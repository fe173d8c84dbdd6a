/**
 * Lease watch: a running run whose lease is gone has lost its agent; it becomes crashed, or is
 * queued again as the next attempt while execution.max_attempts allows. The agent releases its
 * lease in the same script that appends `finished`, so the events are drained after the lease
 * check and before a run is declared lost: a run that ended normally is never taken for lost.
 * A lease must have been gone for requeueMarginMs (monotonic clock) before its run counts as lost.
 */
import type { RunJob } from '../queue/run-job.js';
import type { CachedRun } from './run-cache.js';
import { drainEvents } from './event-intake.js';
import { requeued, sweepActive, type LeaderState } from './leader-state.js';
import { rescore } from './score-keeping.js';

export async function watchLeases(s: LeaderState): Promise<void> {
  s.lastLeaseCheck = Date.now();
  const running = [...s.cache.values()].filter((e) => e.record.state === 'running');
  const gone = await s.store.leasesGone(running.map((e) => e.record.id));
  const lost = pastMargin(s, running.filter((_, i) => gone[i]));
  if (lost.length === 0) return;
  await drainEvents(s);
  const jobs: RunJob[] = [];
  for (const { entry, token } of lost) {
    if (entry.record.state !== 'running' || entry.token !== token) continue;
    const result = await s.store.crashRun(entry.record.id, token, { maxAttempts: s.config.execution.max_attempts, allowRequeue: sweepActive(s) });
    if (result.result === 'skip') continue;
    s.metrics.runsCrashed++;
    s.options.log(`sweep ${s.sweepId}: run ${entry.record.id} attempt ${entry.attempt} lost its agent${result.result === 'requeued' ? `; queued as attempt ${result.attempt}` : ''}`);
    if (result.result === 'requeued') jobs.push(requeued(s, entry, result.attempt, result.token));
    else s.cache.setState(entry, 'crashed');
  }
  await rescore(s, lost.map((l) => l.entry));
  await s.queues.enqueue(s.sweepId, jobs);
}

/** A lease seen gone counts only after the margin, measured from when it was first seen gone. */
function pastMargin(s: LeaderState, gone: readonly CachedRun[]): Array<{ entry: CachedRun; token: string }> {
  const now = performance.now();
  const margin = s.options.requeueMarginMs ?? 2000;
  const seen = new Map<string, { token: string; since: number }>();
  const lost: Array<{ entry: CachedRun; token: string }> = [];
  for (const e of gone) {
    const before = s.leaseGone.get(e.record.id);
    const since = before && before.token === e.token ? before.since : now;
    seen.set(e.record.id, { token: e.token, since });
    if (now - since >= margin) lost.push({ entry: e, token: e.token });
  }
  s.leaseGone.clear();
  for (const [id, g] of seen) s.leaseGone.set(id, g);
  return lost;
}
