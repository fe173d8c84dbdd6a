/** Sweeps: create from a sweep file, list, detail, best run, and the control actions (pause, resume, stop, cancel). */
import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import { parseSweepConfig } from '../config/parse-sweep-config.js';
import { HypersweepError, NotFoundError } from '../errors.js';
import { paretoMembers } from '../metrics/objective-points.js';
import { readRunRecords } from '../store/run-records.js';
import { STATE_CHANGING_TYPES } from './cross-site-guard.js';
import { wakeController, wakeSweep } from '../store/sweep-signals.js';
import { bestRun, createSweep, getSweep, getSweepConfig, getSweepSummary, listSweeps, setSweepState, SWEEP_TRANSITIONS } from '../store/sweep-store.js';

/** Content types POST /api/sweeps reads as the sweep file text (never text/plain: cross-site-guard.ts). */
const SWEEP_TYPES = STATE_CHANGING_TYPES as string[];
/** Request body limit. */
const BODY_LIMIT = '1mb';

const ACTION_REASONS = { pause: 'paused by user', resume: '', stop: 'stopped by user', cancel: 'canceled by user' } as const;

export function sweepRoutes(api: Router, redis: Redis): void {
  api.post('/sweeps', express.text({ type: SWEEP_TYPES, limit: BODY_LIMIT }), async (req, res) => {
    if (typeof req.body !== 'string') {
      throw new HypersweepError('BAD_REQUEST', `send the sweep file as the body, with content-type ${SWEEP_TYPES.join(', ')}`);
    }
    const isJson = req.is('application/json') === 'application/json';
    const config = parseSweepConfig(req.body, { file: isJson ? 'request.json' : 'request.yaml' });
    const sweep = await createSweep(redis, { config, source: req.body });
    await wakeController(redis, 'sweep', sweep.id);
    res.status(201).json(sweep);
  });

  api.get('/sweeps', async (_req, res) => {
    res.json({ sweeps: await listSweeps(redis) });
  });

  api.get('/sweeps/:id', async (req, res) => {
    res.json(await getSweep(redis, req.params.id));
  });

  api.get('/sweeps/:id/best', async (req, res) => {
    const config = await getSweepConfig(redis, req.params.id);
    if (config.metrics) {
      // several objectives: the Pareto set of the ended runs, sorted by the first metric
      res.json({ pareto: paretoMembers(await readRunRecords(redis, req.params.id), config.metrics) });
      return;
    }
    const best = await bestRun(redis, req.params.id, config.metric);
    if (!best) throw new NotFoundError('best run', config.metric ? `sweep ${req.params.id} has no run with a score for ${config.metric.name} yet` : `sweep ${req.params.id} has no metric`);
    res.json({ runId: best.runId, config: best.config, value: best.value });
  });

  api.post('/sweeps/:id/:action', async (req, res) => {
    const action = req.params.action as keyof typeof SWEEP_TRANSITIONS;
    const transition = Object.hasOwn(SWEEP_TRANSITIONS, action) ? SWEEP_TRANSITIONS[action] : undefined;
    if (!transition) throw new NotFoundError('route', `no route POST ${req.path}`);
    const sweepId = req.params.id;
    await setSweepState(redis, sweepId, transition.to, { from: transition.from, reason: ACTION_REASONS[action] });
    await wakeSweep(redis, sweepId);
    res.json(await getSweepSummary(redis, sweepId));
  });
}
