/** The runs of earlier sweeps a warm-started sweep learns from (see src/search/prior-runs.ts), read as the pure core sees runs. */
import type { RedisClient } from './redis-client.js';
import type { ParameterSpace } from '../config/types.js';
import { NotFoundError } from '../errors.js';
import type { RunRecord } from '../run-record.js';
import { priorObservations } from '../search/prior-runs.js';
import { keys } from './keys.js';
import { readRunRecords } from './run-records.js';

/** The finished runs of `priorIds` whose configs lie in `space`. @throws NotFoundError naming an unknown sweep. */
export async function readPriorRuns(redis: RedisClient, priorIds: readonly string[], space: ParameterSpace): Promise<RunRecord[]> {
  const out: RunRecord[] = [];
  for (const id of priorIds) {
    if ((await redis.exists(keys.sweep(id))) !== 1) throw new NotFoundError(`sweep ${id}`, `prior sweep ${id} not found`);
    out.push(...priorObservations(space, await readRunRecords(redis, id)));
  }
  return out;
}
