/**
 * Applying run events (src/store/run-events.ts) to the store: each event is one Lua script,
 * fenced by the attempt's token (a stale report is refused) and deduplicated (a metrics seq at
 * or below the run's lastSeq, a second `started`, a `finished` of a run already ended), so
 * applying an event twice changes nothing. A batch travels in one pipeline.
 *
 * Outcomes map to run states: finished → finished; failed, timeout, error → failed (or queued
 * again when `retryFailed` and attempts are left); stopped → stopped; canceled → canceled;
 * preempted → pending as the next attempt (not counted toward maxAttempts); lost → crashed and
 * queued again as the next attempt while attempts are left.
 */
import type { Redis } from 'ioredis';
import type { RunState } from '../run-record.js';
import { newAttemptToken } from './run-store.js';
import type { RunEvent } from './run-events.js';
import { defineScripts, queueScript, runKeys } from './store-scripts.js';

export interface RequeuePolicy {
  /** execution.max_attempts */
  maxAttempts: number;
  /** execution.retry_failed */
  retryFailed: boolean;
  /** False once the sweep is finished or canceled: nothing is queued again. */
  allowRequeue: boolean;
}

export type ApplyResult =
  /** The event changed the run; `state` is its state afterwards. */
  | { status: 'applied'; state: RunState }
  /** The run was queued again as `attempt` with `token`: enqueue its job. */
  | { status: 'requeued'; attempt: number; token: string }
  /** The token is not the run's current one: refused. */
  | { status: 'stale' }
  /** Already applied (or the run has ended): nothing changed. */
  | { status: 'duplicate' }
  /** No such run. */
  | { status: 'unknown' };

/** Apply events in order, in one round trip. */
export async function applyRunEvents(redis: Redis, sweepId: string, events: readonly RunEvent[], policy: RequeuePolicy): Promise<ApplyResult[]> {
  if (events.length === 0) return [];
  defineScripts(redis);
  const p = redis.pipeline();
  for (const event of events) {
    const k = runKeys(sweepId, event.runId);
    switch (event.type) {
      case 'started': {
        const attempt = { attempt: event.attempt, agentId: event.agentId, slot: event.slot, startedAt: event.at, endedAt: null, outcome: null, exitCode: null, signal: null };
        queueScript(p, 'hsApplyStarted', k, [event.runId, event.token, event.agentId, event.slot, event.at, JSON.stringify(attempt)]);
        break;
      }
      case 'metrics': {
        const rows = (Array.isArray(event.rows) ? event.rows : []).map((row) => JSON.stringify(event.attempt > 1 ? { ...row, _attempt: event.attempt } : row));
        queueScript(p, 'hsApplyMetrics', k, [event.runId, event.token, Number(event.seq) || 0, ...rows]);
        break;
      }
      case 'finished':
        queueScript(p, 'hsApplyFinished', k, [
          event.runId,
          event.token,
          event.outcome,
          event.exitCode ?? '',
          event.signal ?? '',
          event.at ?? Date.now(),
          (event.outputTail ?? '').slice(-65536),
          event.summary ? JSON.stringify(event.summary) : '',
          event.message ?? '',
          newAttemptToken(),
          policy.maxAttempts,
          policy.retryFailed ? 1 : 0,
          policy.allowRequeue ? 1 : 0,
        ]);
        break;
    }
  }
  const replies = (await p.exec()) ?? [];
  return replies.map(([err, reply], i): ApplyResult => {
    if (err) throw err;
    const event = events[i]!;
    const r = Array.isArray(reply) ? (reply as string[]) : [reply as string];
    switch (r[0]) {
      case 'applied':
        return { status: 'applied', state: event.type === 'started' ? 'running' : event.type === 'metrics' ? 'running' : (r[1] as RunState) };
      case 'requeued':
        return { status: 'requeued', attempt: Number(r[1]), token: r[2]! };
      case 'stale':
        return { status: 'stale' };
      case 'unknown':
        return { status: 'unknown' };
      default:
        return { status: 'duplicate' };
    }
  });
}

/** Apply one event. */
export async function applyRunEvent(redis: Redis, sweepId: string, event: RunEvent, policy: RequeuePolicy): Promise<ApplyResult> {
  return (await applyRunEvents(redis, sweepId, [event], policy))[0]!;
}
