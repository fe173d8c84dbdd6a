/** How long the Redis server behind a connection has been up (INFO server), in ms. */
import type { Redis } from 'ioredis';

export async function redisUptimeMs(redis: Redis): Promise<number> {
  const info = await redis.info('server');
  const m = /uptime_in_seconds:(\d+)/.exec(info);
  return m ? Number(m[1]) * 1000 : Number.POSITIVE_INFINITY;
}
