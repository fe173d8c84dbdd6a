/**
 * Editing a sweep (`hypersweep update`): a new version of its sweep file. The sweep hash holds
 * the current config and `version`; keys.sweepVersions lists every version's source. A finished
 * sweep whose new budget allows more runs goes back to running. The leader reads `version` each
 * round and takes the new config for every proposal and stop decision from then on. An edited
 * grid's budget is the new product plus the runs it already has outside it (earlier configs that
 * do not fit the new space, defaults filled in: search/prior-runs.ts).
 */
import type { RedisClient } from './redis-client.js';
import type { Config, SweepConfig } from '../config/types.js';
import { HypersweepError, NotFoundError } from '../errors.js';
import { configsOutsideSpace } from '../search/prior-runs.js';
import { execPipeline } from './exec-pipeline.js';
import { keys } from './keys.js';
import { sweepTotal } from './sweep-store.js';

export interface SweepVersion {
  version: number;
  /** When it was made (ms). */
  at: number;
  source: string;
}

/** Store `config` as the sweep's next version; returns its number. @throws for an unknown or canceled sweep. */
export async function updateSweepConfig(redis: RedisClient, sweepId: string, config: SweepConfig, source: string, now = Date.now()): Promise<number> {
  const h = await redis.hgetall(keys.sweep(sweepId));
  if (!h.id) throw new NotFoundError(`sweep ${sweepId}`);
  if (h.state === 'canceled') throw new HypersweepError('CONFLICT', `sweep ${sweepId} is canceled; create a new sweep with --prior ${sweepId}`);
  const version = Number(h.version ?? 1) + 1;
  const runs = (await redis.hvals(keys.sweepCounts(sweepId))).reduce((a, b) => a + Number(b), 0);
  const total = sweepTotal(config, config.method === 'grid' ? configsOutsideSpace(config.parameters, await readRunConfigs(redis, sweepId)) : 0);
  const m = redis.multi();
  if ((await redis.llen(keys.sweepVersions(sweepId))) === 0) m.rpush(keys.sweepVersions(sweepId), JSON.stringify({ version: 1, at: Number(h.createdAt), source: h.sourceText ?? '' } satisfies SweepVersion));
  m.rpush(keys.sweepVersions(sweepId), JSON.stringify({ version, at: now, source } satisfies SweepVersion));
  m.hset(keys.sweep(sweepId), { configJson: JSON.stringify(config), sourceText: source, version: String(version), ...(config.name ? { name: config.name } : {}) });
  if (total !== undefined) m.hset(keys.sweep(sweepId), 'total', String(total));
  else m.hdel(keys.sweep(sweepId), 'total');
  // extended: a finished sweep with room for more runs runs again
  if (h.state === 'finished' && (total === undefined || runs < total)) m.hset(keys.sweep(sweepId), 'state', 'running', 'stateReason', '').hdel(keys.sweep(sweepId), 'finishedAt');
  await execPipeline(m);
  return version;
}

/** The configs of every run of a sweep. */
async function readRunConfigs(redis: RedisClient, sweepId: string): Promise<Config[]> {
  const ids = await redis.zrange(keys.sweepRuns(sweepId), 0, -1);
  const out: Config[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const p = redis.pipeline();
    for (const id of ids.slice(i, i + 1000)) p.hget(keys.run(sweepId, id), 'config');
    for (const [, config] of await execPipeline(p)) if (typeof config === 'string') out.push(JSON.parse(config) as Config);
  }
  return out;
}

/** Every version of the sweep file, oldest first (only the first when it was never edited). */
export async function readSweepVersions(redis: RedisClient, sweepId: string): Promise<SweepVersion[]> {
  const [[, list], [, h]] = (await execPipeline(redis.pipeline().lrange(keys.sweepVersions(sweepId), 0, -1).hmget(keys.sweep(sweepId), 'id', 'createdAt', 'sourceText'))) as [[null, string[]], [null, Array<string | null>]];
  if (!h[0]) throw new NotFoundError(`sweep ${sweepId}`);
  if (list.length === 0) return [{ version: 1, at: Number(h[1]), source: h[2] ?? '' }];
  return list.map((t) => JSON.parse(t) as SweepVersion);
}

/** The sweep's state and config version now (the leader's per-round read); undefined when the sweep is gone. */
export async function readStateAndVersion(redis: RedisClient, sweepId: string): Promise<{ state: string; version: number } | undefined> {
  const [state, version] = await redis.hmget(keys.sweep(sweepId), 'state', 'version');
  return state === null ? undefined : { state, version: Number(version ?? 1) };
}
