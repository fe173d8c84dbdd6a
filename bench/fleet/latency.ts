/** Job → start latencies: BullMQ's job timestamp (when added) to the start the run (or the bare job) recorded. */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX, runQueueName } from '../../src/queue/run-job.js';
import { readRunSummaries } from '../../src/store/run-store.js';

export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/** ms from each completed job's add to its run's startedAt (the claim, just before the spawn). */
export async function agentJobToStart(redis: Redis, sweepId: string): Promise<number[]> {
  const queue = new Queue(runQueueName(sweepId), { connection: redis, prefix: QUEUE_PREFIX });
  const jobs = await queue.getJobs(['completed'], 0, -1);
  const byRun = new Map(jobs.map((j) => [(j.data as { runId: string }).runId, j.timestamp]));
  const runs = await readRunSummaries(redis, sweepId, [...byRun.keys()]);
  await queue.close();
  return runs.filter((r) => r.startedAt !== null).map((r) => r.startedAt! - byRun.get(r.id)!);
}

/** ms from each completed bare job's add to the time its worker spawned the command. */
export async function bareJobToStart(redis: Redis, queueName: string): Promise<number[]> {
  const queue = new Queue(queueName, { connection: redis, prefix: QUEUE_PREFIX });
  const jobs = await queue.getJobs(['completed'], 0, -1);
  await queue.close();
  return jobs.map((j) => (j.returnvalue as { startedAt: number }).startedAt - j.timestamp);
}
