/**
 * State repair when a controller becomes a sweep's leader: whatever the last leader left half
 * done is finished here. Scores it computed but did not write are written; pending attempts
 * whose job is missing (it died between create and enqueue) or ended without starting get a
 * job again.
 */
import type { RunJob } from '../queue/run-job.js';
import { drainEvents } from './event-intake.js';
import { jobOf, type LeaderState } from './leader-state.js';
import { exhaustedReason } from './proposing.js';
import { scoreOf } from './score-keeping.js';

/** Scores a dead leader computed but did not write; the budget already used up. */
export async function repairScores(s: LeaderState): Promise<void> {
  const fixes: Array<{ runId: string; score: number | null }> = [];
  for (const entry of s.cache.values()) {
    const score = scoreOf(s, entry);
    if (score !== entry.score) fixes.push({ runId: entry.record.id, score });
    entry.score = score;
  }
  await s.store.writeScores(fixes);
  if (s.total !== undefined && s.cache.size >= s.total) s.exhausted = exhaustedReason(s, 'cap');
}

/**
 * A job ends only after its agent appended the attempt's events, so the job states are read
 * first, the events drained second: an attempt still pending after that never ran, and giving
 * it a job again cannot run it twice.
 */
export async function repairPendingJobs(s: LeaderState): Promise<void> {
  const pending = [...s.cache.values()].filter((e) => e.record.state === 'pending');
  const statuses = await s.queues.jobStatuses(
    s.sweepId,
    pending.map((e) => ({ runId: e.record.id, attempt: e.attempt })),
  );
  const suspects = pending.flatMap((entry, i) => (statuses[i] === 'live' ? [] : [{ entry, token: entry.token, status: statuses[i] }]));
  await drainEvents(s);
  if (s.state !== 'running' && s.state !== 'paused') return;
  const missing: RunJob[] = [];
  for (const { entry, token, status } of suspects) {
    if (entry.record.state !== 'pending' || entry.token !== token) continue;
    if (status === 'missing') missing.push(jobOf(s, entry));
    else await s.queues.replaceJob(s.sweepId, jobOf(s, entry));
  }
  for (let i = 0; i < missing.length; i += 1000) await s.queues.enqueue(s.sweepId, missing.slice(i, i + 1000));
}
