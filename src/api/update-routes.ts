/**
 * Editing a running (or finished) sweep: `PUT /sweeps/:id` with a new version of the sweep
 * file (bounds, values, parameters, run_cap, early_terminate, command), and
 * `GET /sweeps/:id/versions`. Changing `method` or the metric(s) is refused: runs scored under
 * one goal mean nothing under another, so that is a new sweep with `--prior`.
 */
import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import { parseSweepConfig } from '../config/parse-sweep-config.js';
import type { SweepConfig } from '../config/types.js';
import { defaultOutsideSpace } from '../space/config-in-space.js';
import { HypersweepError } from '../errors.js';
import { objectivesOf } from '../metrics/objectives.js';
import { wakeController, wakeSweep } from '../store/sweep-signals.js';
import { getSweep } from '../store/sweep-store.js';
import { readSweepVersions, updateSweepConfig } from '../store/sweep-versions.js';
import { STATE_CHANGING_TYPES } from './cross-site-guard.js';

const BODY_LIMIT = '1mb';

function objectives(config: SweepConfig): string {
  return objectivesOf(config).map((m) => `${m.name} (${m.goal})`).join(', ') || 'none';
}

export function updateRoutes(api: Router, redis: Redis): void {
  api.put('/sweeps/:id', express.text({ type: STATE_CHANGING_TYPES as string[], limit: BODY_LIMIT }), async (req, res) => {
    if (typeof req.body !== 'string') throw new HypersweepError('BAD_REQUEST', `send the new sweep file as the body, with content-type ${STATE_CHANGING_TYPES.join(', ')}`);
    const isJson = req.is('application/json') === 'application/json';
    const config = parseSweepConfig(req.body, { file: isJson ? 'request.json' : 'request.yaml' });
    const badDefault = defaultOutsideSpace(config.parameters);
    if (badDefault) throw new HypersweepError('BAD_REQUEST', badDefault);
    const sweep = await getSweep(redis, req.params.id);
    const hint = `create a new sweep with --prior ${sweep.id} instead`;
    if (config.method !== sweep.config.method) throw new HypersweepError('BAD_REQUEST', `method cannot change (${sweep.config.method} → ${config.method}); ${hint}`);
    if (objectives(config) !== objectives(sweep.config)) throw new HypersweepError('BAD_REQUEST', `metric cannot change (${objectives(sweep.config)} → ${objectives(config)}); ${hint}`);
    const version = await updateSweepConfig(redis, sweep.id, config, req.body);
    await wakeSweep(redis, sweep.id);
    await wakeController(redis, 'sweep', sweep.id);
    res.json({ ...(await getSweep(redis, sweep.id)), version });
  });

  api.get('/sweeps/:id/versions', async (req, res) => {
    res.json({ versions: await readSweepVersions(redis, req.params.id) });
  });
}
