/**
 * Stop delivery: the stopping rule's decisions (evaluated after each batch of metrics reports)
 * and the sweep's own end (finished cancels what has not started; canceled also kills what
 * runs) become stop requests in the store and best-effort signals to the agents.
 */
import { runJobId } from '../queue/run-job.js';
import { stopRuns } from '../stopping/stop-runs.js';
import type { AgentSignal } from '../store/sweep-signals.js';
import type { LeaderState } from './leader-state.js';

/** Early termination, evaluated on the runs as they are after a batch of metrics reports. */
export async function deliverEarlyStops(s: LeaderState): Promise<void> {
  if (!s.config.early_terminate || !s.config.metric) return;
  const decisions = stopRuns(s.config, s.cache.records).filter((d) => {
    const entry = s.cache.get(d.runId);
    return entry !== undefined && entry.record.state === 'running' && !entry.stop;
  });
  if (decisions.length === 0) return;
  const requested = await s.store.requestStops(decisions, 'stop');
  const signals: Array<{ agentId: string; signal: AgentSignal }> = [];
  decisions.forEach((d, i) => {
    const entry = s.cache.get(d.runId)!;
    entry.stop = 'stop';
    if (!requested[i]) return;
    s.metrics.runsStopped++;
    if (entry.agentId) signals.push({ agentId: entry.agentId, signal: { type: 'stop', runId: d.runId } });
  });
  await s.store.signal(signals);
}

/**
 * Paused holds back the queue (waiting jobs and re-queued attempts start only after resume);
 * finished (by stop or target) cancels what has not started; canceled also kills what runs.
 */
export async function enforceSweepState(s: LeaderState): Promise<void> {
  const hold = s.state === 'paused';
  if (s.queuePaused !== hold) {
    await s.queues.setPaused(s.sweepId, hold);
    s.queuePaused = hold;
  }
  if (s.state !== 'finished' && s.state !== 'canceled') return;
  const jobIds: string[] = [];
  for (const entry of s.cache.values()) {
    if (entry.record.state === 'pending') {
      if (await s.store.cancelPending(entry.record.id, `sweep ${s.state}`)) {
        s.cache.setState(entry, 'canceled');
        entry.stop = 'cancel';
        jobIds.push(runJobId(entry.record.id, entry.attempt));
      }
    } else if (s.state === 'canceled' && entry.record.state === 'running' && entry.stop !== 'cancel') {
      await s.store.requestStop(entry.record.id, 'cancel', 'sweep canceled');
      entry.stop = 'cancel';
      if (entry.agentId) await s.store.signal([{ agentId: entry.agentId, signal: { type: 'cancel', runId: entry.record.id } }]);
    }
  }
  await s.queues.removeJobs(s.sweepId, jobIds);
}
