/**
 * Hand-picked configs: `POST /sweeps/:id/runs` with `{"config": {...}, "force": false}`. The
 * config must lie in the sweep's space (else 400 naming the parameter, unless force), fit the
 * budget and have no run yet (409 naming the run it has). The leader makes it a run with
 * reason `enqueued` before any searched config (src/controller/proposing.ts).
 */
import express, { type Router } from 'express';
import type { RedisClient } from '../store/redis-client.js';
import type { Config } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import { configOutsideSpace } from '../space/config-in-space.js';
import { enqueueConfig, enqueuedCount } from '../store/enqueued-configs.js';
import { wakeSweep } from '../store/sweep-signals.js';
import { getSweep } from '../store/sweep-store.js';

const BODY_LIMIT = '256kb';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function enqueueRoutes(api: Router, redis: RedisClient): void {
  api.post('/sweeps/:id/runs', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const body: unknown = req.body;
    if (!isPlainObject(body) || !isPlainObject(body.config)) throw new HypersweepError('BAD_REQUEST', 'send {"config": {...}, "force": false} as JSON');
    const unknown = Object.keys(body).filter((k) => k !== 'config' && k !== 'force');
    if (unknown.length > 0) throw new HypersweepError('BAD_REQUEST', `unknown field ${unknown[0]} (expected config and force)`);
    if (body.force !== undefined && typeof body.force !== 'boolean') throw new HypersweepError('BAD_REQUEST', 'force must be true or false');
    const config = body.config as Config;
    const sweep = await getSweep(redis, req.params.id);
    if (sweep.state !== 'running' && sweep.state !== 'paused') throw new HypersweepError('CONFLICT', `sweep ${sweep.id} is ${sweep.state}: it takes no new runs`);
    if (body.force !== true) {
      const outside = configOutsideSpace(sweep.config.parameters, config);
      if (outside) throw new HypersweepError('BAD_REQUEST', `${outside} (pass --force / "force": true to run it anyway)`);
    }
    if (sweep.total !== null) {
      const runs = Object.values(sweep.counts).reduce((a, b) => a + b, 0) + (await enqueuedCount(redis, sweep.id));
      if (runs >= sweep.total) throw new HypersweepError('CONFLICT', `sweep ${sweep.id} has used its budget (${runs} of ${sweep.total} runs); raise run_cap with a new sweep`);
    }
    const out = await enqueueConfig(redis, sweep.id, config);
    if (out.result === 'exists') throw new HypersweepError('CONFLICT', `this config already has run ${out.runId}`);
    if (out.result === 'waiting') throw new HypersweepError('CONFLICT', `this config is already enqueued (it will be run ${out.runId})`);
    await wakeSweep(redis, sweep.id);
    res.status(201).json({ runId: out.runId, sweepId: sweep.id, config, reason: 'enqueued' });
  });
}
