import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { Worker } from 'bullmq';
import { BULL_EVENTS_KEPT, KEEP_FAILED_JOBS_COUNT, RunQueues } from '../../src/queue/run-queue.js';
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

test('a completed job leaves nothing behind; failed jobs are kept, at most KEEP_FAILED_JOBS_COUNT; BullMQ events are capped', async () => {
  const n = 300;
  const jobs = Array.from({ length: n }, (_, i) => ({ ...job(`k${i}`), sweepId: 'skeep' }));
  await queues.enqueue('skeep', jobs);
  let done = 0;
  // Every third job's processor throws: BullMQ fails it.
  const worker = new Worker(
    runQueueName('skeep'),
    async (j) => {
      done++;
      if (Number(j.data.runId.slice(1)) % 3 === 0) throw new Error('boom');
    },
    { connection: redis.client(), prefix: QUEUE_PREFIX, concurrency: 50 },
  );
  const deadline = Date.now() + 60_000;
  while (done < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200));
  await worker.close();
  expect(done).toBe(n);
  const q = queues.queue('skeep');
  expect(await q.getCompletedCount()).toBe(0);
  // No job hash of a completed job is left.
  expect(await c.exists(q.toKey('k1-1'), q.toKey('k2-1'), q.toKey(`k${n - 1}-1`))).toBe(0);
  expect(await q.getFailedCount()).toBe(KEEP_FAILED_JOBS_COUNT);
  expect(await c.exists(q.toKey(`k${n - 3}-1`))).toBe(1); // the latest failed one is kept
  // ~4 BullMQ events per job would be 1,200; trimming is by whole stream nodes, so a little over the cap stays.
  expect(await c.xlen(q.keys.events!)).toBeLessThanOrEqual(BULL_EVENTS_KEPT * 3);
  // A completed attempt's job can be added again (the run level fences it; no enqueue re-adds an old attempt).
  expect(await queues.jobStatuses('skeep', [{ runId: 'k1', attempt: 1 }])).toEqual(['missing']);
});
