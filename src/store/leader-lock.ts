/**
 * The per-sweep leader lock (keys.sweepLeader): SET NX PX, renewed by compare-and-renew in Lua,
 * so two controllers never both propose for a sweep and a second takes over once the first
 * stops renewing (dies) for `ttlMs`.
 */
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import { callScript } from './store-scripts.js';

/** Take the lock if free, or renew it if `owner` holds it. True when `owner` holds it now. */
export async function holdLeaderLock(redis: Redis, sweepId: string, owner: string, ttlMs: number): Promise<boolean> {
  return (await callScript(redis, 'hsHoldLock', [keys.sweepLeader(sweepId)], [owner, ttlMs])) === 1;
}

/** Give the lock up if `owner` holds it (a clean shutdown hands over at once). */
export async function releaseLeaderLock(redis: Redis, sweepId: string, owner: string): Promise<void> {
  await callScript(redis, 'hsReleaseLock', [keys.sweepLeader(sweepId)], [owner]);
}
