/**
 * Deleting a sweep's data from Redis: the sweep's own keys, every run's keys, and its entry in
 * the sweep index. The BullMQ queue of the sweep is the queue layer's (src/queue/remove-run-queue.ts).
 * The caller makes sure nobody leads the sweep any more (sweepIsLed) before it deletes.
 */
import type { RedisClient } from './redis-client.js';
import { RUN_STATES } from '../run-record.js';
import { execPipeline } from './exec-pipeline.js';
import { keys } from './keys.js';

/** Runs deleted per round trip. */
const CHUNK = 500;

/** True while a controller holds the sweep's leader lock (it may still write the sweep's keys). */
export async function sweepIsLed(redis: RedisClient, sweepId: string): Promise<boolean> {
  return (await redis.exists(keys.sweepLeader(sweepId))) === 1;
}

/** Delete every key of a sweep and of its runs; returns how many runs it had. Deleting twice is a no-op. */
export async function deleteSweepData(redis: RedisClient, sweepId: string): Promise<{ runs: number }> {
  const runIds = await redis.zrange(keys.sweepRuns(sweepId), 0, -1);
  for (let i = 0; i < runIds.length; i += CHUNK) {
    const p = redis.pipeline();
    for (const id of runIds.slice(i, i + CHUNK)) {
      p.del(keys.run(sweepId, id), keys.runHistory(sweepId, id), keys.runAttempts(sweepId, id), keys.runOutput(sweepId, id), keys.runProvenance(sweepId, id), keys.runLease(sweepId, id));
    }
    await execPipeline(p);
  }
  // The index entry goes first, so no controller looks for the sweep's work while it disappears
  // (the index and the sweep are on two slots of a Redis Cluster: two writes).
  await redis.zrem(keys.sweeps(), sweepId);
  const agentIds = await redis.zrange(keys.sweepAgents(sweepId), 0, -1);
  await execPipeline(
    redis
      .pipeline()
      .del(
        ...agentIds.flatMap((a) => [keys.agent(sweepId, a), keys.agentLive(sweepId, a)]),
        keys.sweep(sweepId),
        keys.sweepRuns(sweepId),
        keys.sweepScores(sweepId),
        keys.sweepCounts(sweepId),
        ...RUN_STATES.map((s) => keys.sweepStateRuns(sweepId, s)),
        keys.sweepLeader(sweepId),
        keys.sweepEvents(sweepId),
        keys.sweepProvenance(sweepId),
        keys.sweepEnqueued(sweepId),
        keys.sweepVersions(sweepId),
        keys.sweepAgents(sweepId),
      ),
  );
  return { runs: runIds.length };
}
