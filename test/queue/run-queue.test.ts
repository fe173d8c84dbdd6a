import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { RunQueues } from '../../src/queue/run-queue.js';
import type { RunJob } from '../../src/queue/run-job.js';
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
