/** How long the Redis server behind a connection has been up (INFO server), in ms. */
import type { RedisClient } from './redis-client.js';

export async function redisUptimeMs(redis: RedisClient): Promise<number> {
  const info = await redis.info('server');
  const m = /uptime_in_seconds:(\d+)/.exec(info);
  return m ? Number(m[1]) * 1000 : Number.POSITIVE_INFINITY;
}
