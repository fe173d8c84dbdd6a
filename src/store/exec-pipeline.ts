/**
 * Send a pipeline and fail like a single command would: the first error in the replies is
 * thrown (ioredis reports them per reply, which would otherwise read as "missing").
 */
import type { ChainableCommander } from 'ioredis';
import { isCluster, type RedisClient } from './redis-client.js';

export async function execPipeline(pipeline: ChainableCommander): Promise<Array<[null, unknown]>> {
  const replies = (await pipeline.exec()) ?? [];
  for (const [err] of replies) if (err) throw err;
  return replies as Array<[null, unknown]>;
}

/**
 * The same pipeline for many sweeps, as one: `queue(p, sweepId)` queues one sweep's commands, and
 * the replies come back flat, in the order they were queued. On one Redis that is one pipeline;
 * on a Redis Cluster two sweeps' keys sit on different slots (src/store/keys.ts), and a cluster
 * pipeline must stay on one node, so each sweep gets its own pipeline, all sent at once.
 */
export async function execPerSweep(redis: RedisClient, sweepIds: readonly string[], queue: (p: ChainableCommander, sweepId: string) => void): Promise<Array<[null, unknown]>> {
  if (sweepIds.length === 0) return [];
  if (!isCluster(redis)) {
    const p = redis.pipeline();
    for (const id of sweepIds) queue(p, id);
    return await execPipeline(p);
  }
  const parts = await Promise.all(
    sweepIds.map((id) => {
      const p = redis.pipeline();
      queue(p, id);
      return execPipeline(p);
    }),
  );
  return parts.flat();
}

/** Whether the store answers (health checks): throws when Redis is unreachable. */
export async function pingStore(redis: RedisClient): Promise<void> {
  await redis.ping();
}
