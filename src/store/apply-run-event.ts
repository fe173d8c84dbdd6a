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
import type { RedisClient } from './redis-client.js';
import type { RunState } from '../run-record.js';
import { keys } from './keys.js';
import { newAttemptToken } from './run-store.js';
import type { RunEvent } from './run-events.js';
import { defineScripts, queueScript, queueScriptVarKeys, runKeys, type Fence } from './store-scripts.js';

/** Metrics reports applied per script call. */
const METRICS_PER_CALL = 200;

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
export async function applyRunEvents(redis: RedisClient, sweepId: string, events: readonly RunEvent[], policy: RequeuePolicy, fence?: Fence): Promise<ApplyResult[]> {
  if (events.length === 0) return [];
  defineScripts(redis);
  const p = redis.pipeline();
  // Which pipeline reply answers each event: [reply index, position in a batched reply or -1].
  const where: Array<[number, number]> = [];
  let replies = 0;
  for (let i = 0; i < events.length; ) {
    const event = events[i]!;
    if (event.type === 'metrics') {
      // Consecutive metrics reports go in one script call.
      const keyList: string[] = [];
      const args: Array<string | number> = [];
      let n = 0;
      for (; i < events.length && events[i]!.type === 'metrics' && n < METRICS_PER_CALL; i++, n++) {
        const m = events[i] as Extract<RunEvent, { type: 'metrics' }>;
        const rows = (Array.isArray(m.rows) ? m.rows : []).map((row) => JSON.stringify(m.attempt > 1 ? { ...row, _attempt: m.attempt } : row));
        keyList.push(keys.run(sweepId, m.runId), keys.runHistory(sweepId, m.runId));
        args.push(m.token, Number(m.seq) || 0, rows.length, ...rows);
        where.push([replies, n]);
      }
      queueScriptVarKeys(p, 'hsApplyMetricsBatch', keyList, args, fence);
      replies++;
      continue;
    }
    if (event.type === 'started') {
      const attempt = { attempt: event.attempt, agentId: event.agentId, slot: event.slot, startedAt: event.at, endedAt: null, outcome: null, exitCode: null, signal: null };
      queueScript(p, 'hsApplyStarted', runKeys(sweepId, event.runId), [event.runId, event.token, event.agentId, event.slot, event.at, JSON.stringify(attempt)], fence);
    } else {
      queueScript(p, 'hsApplyFinished', runKeys(sweepId, event.runId), [
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
      ], fence);
    }
    where.push([replies++, -1]);
    i++;
  }
  const raw = (await p.exec()) ?? [];
  return events.map((event, i): ApplyResult => {
    const [index, pos] = where[i]!;
    const [err, reply] = raw[index]!;
    if (err) throw err;
    const r = pos >= 0 ? [(reply as string[])[pos]!] : Array.isArray(reply) ? (reply as string[]) : [reply as string];
    switch (r[0]) {
      case 'applied':
        return { status: 'applied', state: event.type === 'finished' ? (r[1] as RunState) : 'running' };
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
