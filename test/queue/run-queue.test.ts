import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import { KEEP_JOBS_COUNT, RunQueues } from '../../src/queue/run-queue.js';
import { QUEUE_PREFIX, runQueueName, type RunJob } from '../../src/queue/run-job.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let c: Redis;
let queues: RunQueues;
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  queues = new RunQueues(c);
});
afterAll(async () => {
  await queues.close();
  await redis.stop();
});

const job = (runId: string, attempt = 1): RunJob => ({
  sweepId: 'sq',
  runId,
  attempt,
  token: `t-${runId}-${attempt}`,
  config: { lr: 0.1 },
  execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false },
});

test('adding an attempt twice is a no-op; a new attempt is a new job', async () => {
  await queues.enqueue('sq', [job('r1'), job('r2')]);
  await queues.enqueue('sq', [job('r1'), job('r1')]);
  expect(await queues.waitingCount('sq')).toBe(2);
  await queues.enqueue('sq', [job('r1', 2)]);
  expect(await queues.waitingCount('sq')).toBe(3);
  const waiting = await queues.queue('sq').getWaiting();
  expect(waiting.map((j) => j.id).sort()).toEqual(['r1-1', 'r1-2', 'r2-1']);
  expect(waiting.find((j) => j.id === 'r1-2')!.data.token).toBe('t-r1-2');
});

test('job statuses in one round trip; a removed job is missing; replaceJob gives it back', async () => {
  expect(await queues.jobStatuses('sq', [{ runId: 'r2', attempt: 1 }, { runId: 'r9', attempt: 1 }])).toEqual(['live', 'missing']);
  await queues.removeJobs('sq', ['r2-1']);
  expect(await queues.jobStatuses('sq', [{ runId: 'r2', attempt: 1 }])).toEqual(['missing']);
  await queues.replaceJob('sq', job('r2'));
  expect(await queues.jobStatuses('sq', [{ runId: 'r2', attempt: 1 }])).toEqual(['live']);
});

test('a sweep keeps its last KEEP_JOBS_COUNT finished jobs, not every one', async () => {
  const n = KEEP_JOBS_COUNT + 20;
  const jobs = Array.from({ length: n }, (_, i) => ({ ...job(`k${i}`), sweepId: 'skeep' }));
  await queues.enqueue('skeep', jobs);
  let done = 0;
  const worker = new Worker(runQueueName('skeep'), async () => void done++, { connection: redis.client(), prefix: QUEUE_PREFIX, concurrency: 50 });
  const deadline = Date.now() + 60_000;
  while (done < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await worker.close();
  expect(done).toBe(n);
  const kept = await queues.queue('skeep').getCompletedCount();
  expect(kept).toBeLessThanOrEqual(KEEP_JOBS_COUNT);
  expect(kept).toBeGreaterThan(KEEP_JOBS_COUNT / 2);
  // The latest ones are kept: adding one of them again is still a no-op.
  await queues.enqueue('skeep', [jobs.at(-1)!]);
  expect(await queues.waitingCount('skeep')).toBe(0);
});
