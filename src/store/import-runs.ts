/**
 * `hypersweep import`: the runs of an exported sweep written into a new, finished sweep, as
 * they ended (state, config, attempts, times, score, summary, history). The sweep's per-state
 * counts and sets, its run order and its score ZSET are written with the runs, in one MULTI
 * per 500 runs, so the store's invariants hold. Only ended runs are imported.
 */
import type { RedisClient } from './redis-client.js';
import type { Config } from '../config/types.js';
import type { FinalRunState, HistoryRow } from '../run-record.js';
import { runIdFor } from '../space/config-hash.js';
import { execPipeline } from './exec-pipeline.js';
import { keys } from './keys.js';

export interface ImportedRun {
  state: FinalRunState;
  config: Config;
  attempts: number;
  score: number | null;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  exitCode: number | null;
  stopReason: string | null;
  summary: Record<string, number> | null;
  history: HistoryRow[];
}

const CHUNK = 500;

/** Write `runs` into sweep `sweepId` (which holds none yet); the run ids are this sweep's. */
export async function importRuns(redis: RedisClient, sweepId: string, runs: readonly ImportedRun[]): Promise<void> {
  for (let i = 0; i < runs.length; i += CHUNK) {
    const m = redis.multi();
    runs.slice(i, i + CHUNK).forEach((run, k) => {
      const seq = i + k + 1;
      const id = runIdFor(sweepId, run.config);
      const fields: Record<string, string | number> = {
        id, sweepId, state: run.state, config: JSON.stringify(run.config), attempt: run.attempts, token: '', reason: 'imported',
        createdAt: run.createdAt, seq, lastSeq: 0, counted: run.attempts,
      };
      if (run.startedAt !== null) fields.startedAt = run.startedAt;
      if (run.endedAt !== null) fields.endedAt = run.endedAt;
      if (run.exitCode !== null) fields.exitCode = run.exitCode;
      if (run.stopReason) fields.stopReason = run.stopReason;
      if (run.summary) fields.summary = JSON.stringify(run.summary);
      if (run.score !== null) fields.score = run.score;
      m.hset(keys.run(sweepId, id), fields)
        .zadd(keys.sweepRuns(sweepId), seq, id)
        .zadd(keys.sweepStateRuns(sweepId, run.state), seq, id)
        .hincrby(keys.sweepCounts(sweepId), run.state, 1);
      if (run.score !== null) m.zadd(keys.sweepScores(sweepId), run.score, id);
      if (run.history.length > 0) m.rpush(keys.runHistory(sweepId, id), ...run.history.map((r) => JSON.stringify(r)));
    });
    await execPipeline(m);
  }
}
