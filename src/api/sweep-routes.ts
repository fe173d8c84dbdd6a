/** Sweeps: create from a sweep file, list, detail, best run, and the control actions (pause, resume, stop, cancel). */
import express, { type Router } from 'express';
import type { RedisClient } from '../store/redis-client.js';
import { parseSweepConfig } from '../config/parse-sweep-config.js';
import { defaultOutsideSpace } from '../space/config-in-space.js';
import { HypersweepError, NotFoundError } from '../errors.js';
import { paretoMembers } from '../metrics/objective-points.js';
import { readRunRecords } from '../store/run-records.js';
import { readPriorRuns } from '../store/prior-runs.js';
import type { SweepConfig } from '../config/types.js';
import { one } from './query-params.js';
import { STATE_CHANGING_TYPES } from './cross-site-guard.js';
import { wakeController, wakeSweep } from '../store/sweep-signals.js';
import { bestRun, createSweep, getSweep, getSweepConfig, getSweepSummary, listSweeps, setSweepState, SWEEP_TRANSITIONS } from '../store/sweep-store.js';

/** Content types POST /api/sweeps reads as the sweep file text (never text/plain: cross-site-guard.ts). */
const SWEEP_TYPES = STATE_CHANGING_TYPES as string[];
/** Request body limit. */
const BODY_LIMIT = '1mb';

const ACTION_REASONS = { pause: 'paused by user', resume: '', stop: 'stopped by user', cancel: 'canceled by user' } as const;

/** Most prior sweeps one sweep may learn from. */
const MAX_PRIOR_SWEEPS = 20;

/** `?prior=ID,ID` (warm start): the sweeps exist; how many of their finished runs lie in the new space. */
async function priorOf(redis: RedisClient, text: string | undefined, config: SweepConfig): Promise<{ sweeps: string[]; runs: number } | undefined> {
  if (!text) return undefined;
  const sweeps = [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
  if (sweeps.length > MAX_PRIOR_SWEEPS) throw new HypersweepError('BAD_REQUEST', `prior names at most ${MAX_PRIOR_SWEEPS} sweeps (got ${sweeps.length})`);
  for (const id of sweeps) if (!/^s[0-9a-z]{1,40}$/.test(id)) throw new HypersweepError('BAD_REQUEST', `prior: ${JSON.stringify(id.slice(0, 40))} is not a sweep id`);
  try {
    return { sweeps, runs: (await readPriorRuns(redis, sweeps, config.parameters)).length };
  } catch (err) {
    if (err instanceof NotFoundError) throw new HypersweepError('BAD_REQUEST', err.message);
    throw err;
  }
}

export function sweepRoutes(api: Router, redis: RedisClient): void {
  api.post('/sweeps', express.text({ type: SWEEP_TYPES, limit: BODY_LIMIT }), async (req, res) => {
    if (typeof req.body !== 'string') {
      throw new HypersweepError('BAD_REQUEST', `send the sweep file as the body, with content-type ${SWEEP_TYPES.join(', ')}`);
    }
    const isJson = req.is('application/json') === 'application/json';
    const config = parseSweepConfig(req.body, { file: isJson ? 'request.json' : 'request.yaml' });
    const badDefault = defaultOutsideSpace(config.parameters);
    if (badDefault) throw new HypersweepError('BAD_REQUEST', badDefault);
    const prior = await priorOf(redis, one(req.query.prior, 'prior'), config);
    const sweep = await createSweep(redis, { config, source: req.body, ...(prior ? { prior } : {}) });
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
