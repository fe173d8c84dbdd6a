/**
 * The one-shot move from the key layout before hash tags (layout 1: `hs:sweep:<id>...`,
 * `hs:run:<runId>...`, `hs:bull:runs-<id>:...`) to layout 2 (src/store/keys.ts: every key of a
 * sweep carries `{<sweepId>}`). `hypersweep server` runs it at start, before the controller and
 * the API touch anything; it is idempotent, and after it the `layout` key says 2, so later starts
 * cost one GET.
 *
 * 1. `layout` is 2: nothing to do.
 * 2. On a Redis Cluster there is nothing to move (layout 1 never ran there: its scripts span
 *    slots): write `layout` = 2.
 * 3. Otherwise map each run to its sweep (the old run sets), SCAN the old patterns and RENAME each
 *    key to its new name. Two processes migrating at once is harmless: a key the other one moved
 *    is gone (RENAME answers "no such key", skipped). The old agent keys are dropped: agents write
 *    theirs again at their next heartbeat.
 * 4. Write `layout` = 2.
 */
import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './redis-client.js';
import { KEY_LAYOUT_VERSION, keys, legacyKeys } from './keys.js';

/** What a migration did. */
export interface KeyMigration {
  /** Keys renamed to the new layout (0 when there was nothing to move). */
  moved: number;
  /** Keys of the old layout left where they were (a run no sweep lists). */
  skipped: number;
}

/** Bring the data to KEY_LAYOUT_VERSION (see the steps above). */
export async function migrateKeyLayout(redis: RedisClient): Promise<KeyMigration> {
  const done: KeyMigration = { moved: 0, skipped: 0 };
  if (Number(await redis.get(keys.layout())) >= KEY_LAYOUT_VERSION) return done;
  if (!isCluster(redis)) {
    const sweepOfRun = await legacyRunSweeps(redis);
    for (const pattern of legacyKeys.patterns()) {
      for await (const batch of redis.scanStream({ match: pattern, count: 1000 })) {
        for (const key of batch as string[]) {
          const to = legacyKeys.moved(key, (runId) => sweepOfRun.get(runId));
          if (to === undefined) done.skipped++;
          else if (await renameIfThere(redis, key, to)) done.moved++;
        }
      }
    }
    await dropLegacyAgents(redis);
  }
  await redis.set(keys.layout(), String(KEY_LAYOUT_VERSION));
  return done;
}

/** runId → sweepId from each indexed sweep's old run set. */
async function legacyRunSweeps(redis: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const sweepId of await redis.zrange(keys.sweeps(), 0, -1)) {
    for (const runId of await redis.zrange(legacyKeys.sweepRuns(sweepId), 0, -1)) out.set(runId, sweepId);
  }
  return out;
}

async function renameIfThere(redis: Redis, from: string, to: string): Promise<boolean> {
  try {
    await redis.rename(from, to);
    return true;
  } catch (err) {
    if (/no such key/i.test((err as Error).message)) return false;
    throw err;
  }
}

async function dropLegacyAgents(redis: Redis): Promise<void> {
  await redis.del(legacyKeys.agents());
  for await (const batch of redis.scanStream({ match: legacyKeys.agentPattern(), count: 1000 })) {
    if ((batch as string[]).length > 0) await redis.del(...(batch as string[]));
  }
}
