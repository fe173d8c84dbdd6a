/**
 * The per-sweep leader lock (keys.sweepLeader): SET NX PX, renewed by compare-and-renew in Lua,
 * so two controllers never both propose for a sweep and a second takes over once the first
 * stops renewing (dies) for `ttlMs`.
 */
import type { RedisClient } from './redis-client.js';
import { keys } from './keys.js';
import { callScript } from './store-scripts.js';
import { execPerSweep } from './exec-pipeline.js';

/** Take the lock if free, or renew it if `owner` holds it. True when `owner` holds it now. */
export async function holdLeaderLock(redis: RedisClient, sweepId: string, owner: string, ttlMs: number): Promise<boolean> {
  return (await callScript(redis, 'hsHoldLock', [keys.sweepLeader(sweepId)], [owner, ttlMs])) === 1;
}

/**
 * Renew the lock only if `owner` still holds it. A lock that lapsed is not taken again here: the
 * controller that let it lapse (paused, cut off) steps down and, if it leads again, starts afresh.
 */
export async function renewLeaderLock(redis: RedisClient, sweepId: string, owner: string, ttlMs: number): Promise<boolean> {
  return (await callScript(redis, 'hsRenewLock', [keys.sweepLeader(sweepId)], [owner, ttlMs])) === 1;
}

/** Give the lock up if `owner` holds it (a clean shutdown hands over at once). */
export async function releaseLeaderLock(redis: RedisClient, sweepId: string, owner: string): Promise<void> {
  await callScript(redis, 'hsReleaseLock', [keys.sweepLeader(sweepId)], [owner]);
}

/** A sweep nobody leads that still has work: running or paused, or ended with runs pending or running. */
export async function sweepsWithoutLeader(redis: RedisClient, skip: ReadonlySet<string>): Promise<string[]> {
  const candidates = (await redis.zrange(keys.sweeps(), 0, -1)).filter((id) => !skip.has(id));
  if (candidates.length === 0) return [];
  const replies = await execPerSweep(redis, candidates, (p, id) => p.hget(keys.sweep(id), 'state').hmget(keys.sweepCounts(id), 'pending', 'running').exists(keys.sweepLeader(id)));
  return candidates.filter((_, i) => {
    const state = replies[3 * i]?.[1] as string | null;
    const [pending, running] = (replies[3 * i + 1]?.[1] as Array<string | null>) ?? [];
    const led = replies[3 * i + 2]?.[1] === 1;
    if (!state || led) return false;
    const active = Number(pending ?? 0) + Number(running ?? 0) > 0;
    return !((state === 'finished' || state === 'canceled') && !active);
  });
}
