/**
 * Send a pipeline and fail like a single command would: the first error in the replies is
 * thrown (ioredis reports them per reply, which would otherwise read as "missing").
 */
import type { ChainableCommander, Redis } from 'ioredis';

export async function execPipeline(pipeline: ChainableCommander): Promise<Array<[null, unknown]>> {
  const replies = (await pipeline.exec()) ?? [];
  for (const [err] of replies) if (err) throw err;
  return replies as Array<[null, unknown]>;
}

/** Whether the store answers (health checks): throws when Redis is unreachable. */
export async function pingStore(redis: Redis): Promise<void> {
  await redis.ping();
}
