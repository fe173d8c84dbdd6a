/**
 * Hand-picked configs (`hypersweep enqueue`): the API appends a config to the sweep's enqueued
 * list; the sweep's leader, the single writer of runs, makes each one a run with reason
 * `enqueued` before it proposes any searched config, then drops it from the list. A config
 * that already has a run, or is already waiting, is refused here with the run id it has.
 */
import type { RedisClient } from './redis-client.js';
import type { Config } from '../config/types.js';
import { canonicalJson } from '../space/config-hash.js';
import { runIdFor } from '../space/config-hash.js';
import { keys } from './keys.js';

export type EnqueueResult = { result: 'queued' | 'exists' | 'waiting'; runId: string };

/** Append a config to the sweep's enqueued list unless its run exists or it waits already. */
export async function enqueueConfig(redis: RedisClient, sweepId: string, config: Config): Promise<EnqueueResult> {
  const runId = runIdFor(sweepId, config);
  const text = canonicalJson(config);
  const [exists, at] = await Promise.all([redis.exists(keys.run(sweepId, runId)), redis.lpos(keys.sweepEnqueued(sweepId), text)]);
  if (exists === 1) return { result: 'exists', runId };
  if (at !== null) return { result: 'waiting', runId };
  await redis.rpush(keys.sweepEnqueued(sweepId), text);
  return { result: 'queued', runId };
}

/** How many configs wait to become runs. */
export async function enqueuedCount(redis: RedisClient, sweepId: string): Promise<number> {
  return await redis.llen(keys.sweepEnqueued(sweepId));
}

/** The oldest `max` configs waiting. */
export async function readEnqueued(redis: RedisClient, sweepId: string, max: number): Promise<Config[]> {
  if (max <= 0) return [];
  return (await redis.lrange(keys.sweepEnqueued(sweepId), 0, max - 1)).map((t) => JSON.parse(t) as Config);
}

/** Drop the oldest `n` (they are runs now, or were refused by the budget). */
export async function dropEnqueued(redis: RedisClient, sweepId: string, n: number): Promise<void> {
  if (n > 0) await redis.ltrim(keys.sweepEnqueued(sweepId), n, -1);
}
