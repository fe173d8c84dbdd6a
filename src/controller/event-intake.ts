/**
 * Event intake: the run events agents append to the sweep's stream are read through the
 * consumer group (first the entries a dead leader read and never acknowledged, then new ones),
 * applied by the store (fenced by token, deduplicated by seq), mirrored in the run cache, and
 * acknowledged. Applying is idempotent, so an entry applied but not acknowledged is skipped as a
 * duplicate the next time.
 */
import type { RunJob } from '../queue/run-job.js';
import type { ApplyResult } from '../store/apply-run-event.js';
import type { RunEvent } from '../store/run-events.js';
import type { CachedRun } from './run-cache.js';
import { requeued, sweepActive, type LeaderState } from './leader-state.js';
import { rescore } from './score-keeping.js';
import { deliverEarlyStops } from './stop-delivery.js';

/** Read and apply up to `maxBatches` batches. True when the last batch was full (there may be more now). */
export async function consumeEvents(s: LeaderState, maxBatches: number): Promise<boolean> {
  for (let i = 0; i < maxBatches; i++) {
    const batch = await s.store.readEvents(!s.backlogDone, s.options.eventBatch);
    if (batch.ids.length === 0) {
      if (s.backlogDone) return false;
      s.backlogDone = true;
      continue;
    }
    for (const id of batch.malformed) s.options.log(`sweep ${s.sweepId}: skipped a malformed event ${id}`);
    await applyBatch(s, batch.events, batch.ids);
    if (batch.ids.length < s.options.eventBatch && s.backlogDone) return false;
  }
  return true;
}

/** Read every event there is now (before decisions that must see them all). */
export async function drainEvents(s: LeaderState): Promise<void> {
  while (await consumeEvents(s, 50));
}

/** Apply a batch, mirror it in the cache, then (one round trip) write the scores and acknowledge the entries. */
async function applyBatch(s: LeaderState, events: readonly RunEvent[], ids: readonly string[]): Promise<void> {
  const execution = s.config.execution;
  const results = await s.store.applyEvents(events, { maxAttempts: execution.max_attempts, retryFailed: execution.retry_failed, allowRequeue: sweepActive(s) });
  const touched = new Set<CachedRun>();
  const jobs: RunJob[] = [];
  let metricsApplied = false;
  results.forEach((result, i) => {
    const event = events[i]!;
    count(s, result);
    if (result.status !== 'applied' && result.status !== 'requeued') return;
    const entry = s.cache.get(event.runId);
    if (!entry || entry.token !== event.token) {
      // Redis applied what this cache did not expect (another controller wrote while this one
      // was cut off): Redis is the truth, so the cache is rebuilt on the next round.
      s.options.log(`sweep ${s.sweepId}: run ${event.runId} not as cached; reloading the runs`);
      s.reload = true;
      return;
    }
    touched.add(entry);
    if (result.status === 'requeued') jobs.push(requeued(s, entry, result.attempt, result.token));
    else if (mirror(s, entry, event, result.state)) metricsApplied = true;
  });
  // Everything up to the last id is applied and acknowledged: the stream need not keep it.
  await rescore(s, touched, { ids, trim: s.backlogDone });
  await s.queues.enqueue(s.sweepId, jobs);
  if (metricsApplied) await deliverEarlyStops(s);
}

/** The cache follows an applied event; true for metrics. */
function mirror(s: LeaderState, entry: CachedRun, event: RunEvent, state: Extract<ApplyResult, { status: 'applied' }>['state']): boolean {
  switch (event.type) {
    case 'started':
      s.cache.setState(entry, 'running');
      entry.agentId = event.agentId;
      return false;
    case 'metrics':
      for (const row of s.cache.project(event.rows)) entry.record.history.push(row);
      return true;
    case 'finished':
      s.cache.setState(entry, state);
      if (event.summary) entry.record.summary = event.summary;
      return false;
  }
}

function count(s: LeaderState, result: ApplyResult): void {
  if (result.status === 'applied' || result.status === 'requeued') s.metrics.eventsApplied++;
  else if (result.status === 'stale') s.metrics.staleReportsRefused++;
  else if (result.status === 'duplicate') s.metrics.duplicateEventsSkipped++;
}
