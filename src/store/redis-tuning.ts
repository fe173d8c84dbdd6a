/**
 * Redis settings that change what hypersweep costs, looked at once when a server starts. A
 * setting that cannot be read (CONFIG refused to an ACL user, or renamed on a managed Redis)
 * gets no advice.
 */
import type { RedisClient } from './redis-client.js';

/** The compact-hash value limit hypersweep's own redis-server runs with (src/local/private-redis.ts). */
export const COMPACT_HASH_VALUE_BYTES = 1024;

/**
 * Advice when Redis keeps hashes compact only for short values: a run's hash holds its config
 * and summary as JSON, and past the limit (Redis's default is 64 bytes) the whole hash becomes a
 * hash table, ~1.8 KB a run instead of ~0.7 (bench/fleet.ts).
 */
export async function compactHashAdvice(redis: RedisClient): Promise<string | undefined> {
  let limit: number;
  try {
    // The ziplist name: Redis 6 knows only it, Redis 7 takes it as the listpack setting's alias.
    const reply = (await redis.config('GET', 'hash-max-ziplist-value')) as unknown as string[];
    limit = Number(reply[1]);
  } catch {
    return undefined;
  }
  if (!Number.isFinite(limit) || limit >= COMPACT_HASH_VALUE_BYTES / 2) return undefined;
  return `Redis keeps a hash compact only while its values are at most ${limit} bytes, so a run whose config or summary is longer takes ~1 KB more; set hash-max-listpack-value ${COMPACT_HASH_VALUE_BYTES} (hash-max-ziplist-value before Redis 7) in redis.conf, or CONFIG SET it`;
}
