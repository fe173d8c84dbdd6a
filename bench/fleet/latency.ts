/** Job → start latencies: BullMQ's job timestamp (when added) to the start the run (or the bare job) recorded. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX } from '../../src/queue/run-job.js';
import { keys } from '../../src/store/keys.js';
import { readRunSummaries } from '../../src/store/run-store.js';

export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/**
 * ms from each run's creation to its startedAt (the claim, just before the spawn). A run is
 * created by the script that precedes its job's add in the same proposal round, so this is
 * job → start plus that one round trip (completed jobs are not kept to read their add time).
 */
export async function agentJobToStart(redis: Redis, sweepId: string): Promise<number[]> {
  const runs = await readRunSummaries(redis, sweepId, await redis.zrange(keys.sweepRuns(sweepId), 0, -1));
  return runs.filter((r) => r.startedAt !== null).map((r) => r.startedAt! - r.createdAt);
}

/** ms from each completed bare job's add to the time its worker spawned the command. */
export async function bareJobToStart(redis: Redis, queueName: string): Promise<number[]> {
  const queue = new Queue(queueName, { connection: redis, prefix: QUEUE_PREFIX });
  const jobs = await queue.getJobs(['completed'], 0, -1);
  await queue.close();
  return jobs.map((j) => (j.returnvalue as { startedAt: number }).startedAt - j.timestamp);
}
