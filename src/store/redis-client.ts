/**
 * What the store talks to: one Redis (plain or found through Sentinel) or a Redis Cluster. Both
 * come from connectRedis (src/store/connect-redis.ts) and answer the same commands; the store
 * keeps each script, MULTI and pipeline on one sweep's keys (one slot, src/store/keys.ts), the
 * rule a Cluster needs.
 */
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** True for a Redis Cluster client (keys of two sweeps may then live on two nodes). */
export function isCluster(redis: RedisClient): redis is Cluster {
  return redis.isCluster;
}
