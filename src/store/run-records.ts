/**
 * A sweep's runs as the pure core sees them (RunRecord), read from Redis: config, state,
 * summary and the latest attempt's rows. For reads that score every run (the Pareto set of a
 * multi-objective sweep); one pipelined round trip per 1000 runs.
 */
import type { RedisClient } from './redis-client.js';
import { rowsOfAttempt, type RunRecord } from '../run-record.js';
import { LeaderStore } from './leader-store.js';

export async function readRunRecords(redis: RedisClient, sweepId: string): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  await new LeaderStore(redis, sweepId).loadRuns(true, (runs) => {
    for (const run of runs) {
      const record: RunRecord = { id: run.id, state: run.state, config: run.config, history: rowsOfAttempt(run.history, run.attempt) };
      if (run.summary) record.summary = run.summary;
      out.push(record);
    }
  });
  return out;
}
