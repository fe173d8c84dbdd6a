/**
 * What GET /metrics shows of the store: sweeps by state and runs by state, read from each
 * sweep's `state` field and its counts hash only (never its config or its source text, which
 * may be up to MAX_SWEEP_FILE_BYTES each), in one pipeline (one per sweep on a Redis Cluster).
 */
import type { RedisClient } from './redis-client.js';
import { RUN_STATES, type RunState } from '../run-record.js';
import { execPerSweep } from './exec-pipeline.js';
import { keys } from './keys.js';
import { listSweepIds, SWEEP_STATES, type SweepState } from './sweep-store.js';

export interface SweepGauges {
  sweeps: Record<SweepState, number>;
  runs: Record<RunState, number>;
}

export async function readSweepGauges(redis: RedisClient): Promise<SweepGauges> {
  const sweeps = Object.fromEntries(SWEEP_STATES.map((s) => [s, 0])) as Record<SweepState, number>;
  const runs = Object.fromEntries(RUN_STATES.map((s) => [s, 0])) as Record<RunState, number>;
  const ids = await listSweepIds(redis);
  if (ids.length === 0) return { sweeps, runs };
  const replies = await execPerSweep(redis, ids, (p, id) => p.hget(keys.sweep(id), 'state').hgetall(keys.sweepCounts(id)));
  for (let i = 0; i < ids.length; i++) {
    const state = replies[2 * i]?.[1];
    if (typeof state !== 'string') continue;
    if (Object.hasOwn(sweeps, state)) sweeps[state as SweepState]++;
    const counts = (replies[2 * i + 1]?.[1] ?? {}) as Record<string, string>;
    for (const s of RUN_STATES) runs[s] += Number(counts[s] ?? 0) || 0;
  }
  return { sweeps, runs };
}
