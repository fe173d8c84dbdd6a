/**
 * Curves: every run's points of one metric. Points already read stay in this process; each
 * call reads only rows logged since (CurveCache). The body is assembled as text: the same JSON
 * as res.json({ metric, runs }) without building and serialising ~10^5 small arrays per call.
 */
import type { Router } from 'express';
import type { RedisClient } from '../store/redis-client.js';
import { HypersweepError } from '../errors.js';
import { CurveCache } from '../store/curve-cache.js';
import { getSweepConfig } from '../store/sweep-store.js';
import { one } from './query-params.js';

/** @param maxBytes most bytes of curve points kept between calls (see CurveCache); 0: none. */
export function curveRoutes(api: Router, redis: RedisClient, maxBytes: number | undefined): void {
  const curveCache = new CurveCache({ maxBytes });
  api.get('/sweeps/:id/curves', async (req, res) => {
    const config = await getSweepConfig(redis, req.params.id);
    const metric = one(req.query.metric, 'metric') || config.metric?.name;
    if (!metric) throw new HypersweepError('BAD_REQUEST', 'the sweep has no metric; pass ?metric=NAME');
    const runs = await curveCache.runsJson(redis, req.params.id, metric);
    res.type('json').send(`{"metric":${JSON.stringify(metric)},"runs":${runs}}`);
  });
}
