/** Deleting a sweep's BullMQ queue and every job in it (`hypersweep rm`), whatever state its jobs are in. */
import { Queue } from 'bullmq';
import type { RedisClient } from '../store/redis-client.js';
import { QUEUE_PREFIX, runQueueName } from './run-job.js';

/** Obliterate the sweep's queue: every key under its BullMQ prefix goes. A queue that never existed is a no-op. */
export async function removeRunQueue(redis: RedisClient, sweepId: string): Promise<void> {
  const queue = new Queue(runQueueName(sweepId), { connection: redis, prefix: QUEUE_PREFIX });
  try {
    await queue.obliterate({ force: true });
  } finally {
    await queue.close();
  }
}
