/**
 * The HTTP API (express 5, JSON): sweeps, runs, curves, best, control, agents; /healthz and
 * /metrics outside auth; the dashboard at `/` after the API. No listen here (startServer does).
 */
import express, { type Express, type Request } from 'express';
import type { Redis } from 'ioredis';
import { parseSweepConfig } from '../config/parse-sweep-config.js';
import { HypersweepError } from '../errors.js';
import { packageVersion } from '../package-root.js';
import { RUN_STATES, type RunState } from '../run-record.js';
import { listAgents } from '../store/agent-store.js';
import { CurveCache } from '../store/curve-cache.js';
import { wakeController, wakeSweep } from '../store/sweep-signals.js';
import { pingStore } from '../store/exec-pipeline.js';
import { getRun, listRuns, RUN_SORTS, runSweepId, type RunSort } from '../store/run-store.js';
import { bestRun, createSweep, getSweep, getSweepConfig, getSweepSummary, listSweeps, setSweepState, SWEEP_TRANSITIONS } from '../store/sweep-store.js';
import { bearerAuth } from './bearer-auth.js';
import { dashboardRouter } from './dashboard.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { ServerMetrics } from './server-metrics.js';

export interface AppOptions {
  redis: Redis;
  /** Bearer token required on /api/*; unset: no auth (loopback only, startServer enforces it). */
  token?: string;
  /** Counters shared with the controller of the same process. @defaultValue a fresh ServerMetrics */
  metrics?: ServerMetrics;
  /** The Redis URL agents should use, shown by GET /api/server (password hidden). */
  redisUrl?: string;
  /** Where unexpected errors are logged. @defaultValue console.error */
  log?: (message: string) => void;
  /** Most bytes of curve points kept between GET .../curves calls (see CurveCache); 0: none. @defaultValue 64 MiB */
  curveCacheBytes?: number;
}

/** Content types POST /api/sweeps reads as the sweep file text. */
const SWEEP_TYPES = ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/x-yaml', 'text/plain', 'application/json'];
/** Request body limit. */
const BODY_LIMIT = '1mb';

function one(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HypersweepError('BAD_REQUEST', `query parameter ${name} must be given once`);
  return value;
}

function intParam(value: unknown, name: string): number | undefined {
  const text = one(value, name);
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new HypersweepError('BAD_REQUEST', `${name} must be a non-negative integer (got ${JSON.stringify(text)})`);
  return n;
}

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0` */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

export function createApp(options: AppOptions): Express {
  const { redis } = options;
  const metrics = options.metrics ?? new ServerMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('json spaces', 0);

  app.get('/healthz', async (_req, res) => {
    await pingStore(redis);
    res.json({ ok: true });
  });
  app.get('/metrics', async (_req, res) => {
    res.type('text/plain; version=0.0.4').send(await metrics.render(redis));
  });

  const api = express.Router();
  api.use(bearerAuth(options.token));
  // Ids become parts of Redis keys: anything not shaped like an id is simply not found.
  api.param('id', (_req, _res, next, id: string) => next(/^s[0-9a-z]{1,40}$/.test(id) ? undefined : new HypersweepError('NOT_FOUND', `sweep ${id.slice(0, 80)} not found`)));
  api.param('runId', (_req, _res, next, id: string) => next(/^r[0-9a-f]{16}$/.test(id) ? undefined : new HypersweepError('NOT_FOUND', `run ${id.slice(0, 80)} not found`)));

  api.get('/server', (_req, res) => {
    res.json({ version: packageVersion, redisUrl: options.redisUrl ? redactUrl(options.redisUrl) : null });
  });

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

  api.get('/sweeps/:id/runs', async (req, res) => {
    const sweepId = req.params.id;
    const config = await getSweepConfig(redis, sweepId);
    const stateText = one(req.query.state, 'state');
    const states = stateText ? stateText.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    for (const s of states ?? []) {
      if (!(RUN_STATES as readonly string[]).includes(s)) throw new HypersweepError('BAD_REQUEST', `state must be among ${RUN_STATES.join(', ')} (got ${JSON.stringify(s)})`);
    }
    const sort = one(req.query.sort, 'sort') ?? 'created';
    if (!(RUN_SORTS as readonly string[]).includes(sort)) throw new HypersweepError('BAD_REQUEST', `sort must be one of ${RUN_SORTS.join(', ')} (got ${JSON.stringify(sort)})`);
    const page = await listRuns(redis, sweepId, {
      states: states as RunState[] | undefined,
      sort: sort as RunSort,
      limit: intParam(req.query.limit, 'limit') ?? 100,
      cursor: one(req.query.cursor, 'cursor') || undefined,
      goal: config.metric?.goal,
    });
    res.json(page);
  });

  const runDetail = async (req: Request, runId: string, sweepId?: string) => {
    const run = await getRun(redis, runId, { historyFrom: intParam(req.query.historyFrom, 'historyFrom'), historyLimit: intParam(req.query.historyLimit, 'historyLimit') });
    if (sweepId !== undefined && run.sweepId !== sweepId) throw new HypersweepError('NOT_FOUND', `run ${runId} not found in sweep ${sweepId}`);
    return run;
  };
  api.get('/sweeps/:id/runs/:runId', async (req, res) => {
    res.json(await runDetail(req, req.params.runId, req.params.id));
  });
  api.get('/runs/:runId', async (req, res) => {
    await runSweepId(redis, req.params.runId);
    res.json(await runDetail(req, req.params.runId));
  });

  // Points already read stay in this process; each call reads only rows logged since (CurveCache).
  // The body is assembled as text: the same JSON as res.json({ metric, runs }) without building
  // and serialising ~10^5 small arrays per call.
  const curveCache = new CurveCache({ maxBytes: options.curveCacheBytes });
  api.get('/sweeps/:id/curves', async (req, res) => {
    const config = await getSweepConfig(redis, req.params.id);
    const metric = one(req.query.metric, 'metric') || config.metric?.name;
    if (!metric) throw new HypersweepError('BAD_REQUEST', 'the sweep has no metric; pass ?metric=NAME');
    const runs = await curveCache.runsJson(redis, req.params.id, metric);
    res.type('json').send(`{"metric":${JSON.stringify(metric)},"runs":${runs}}`);
  });

  api.get('/sweeps/:id/best', async (req, res) => {
    const config = await getSweepConfig(redis, req.params.id);
    const best = await bestRun(redis, req.params.id, config.metric);
    if (!best) throw new HypersweepError('NOT_FOUND', config.metric ? `sweep ${req.params.id} has no run with a score for ${config.metric.name} yet` : `sweep ${req.params.id} has no metric`);
    res.json({ runId: best.runId, config: best.config, value: best.value });
  });

  api.post('/sweeps/:id/:action', async (req, res) => {
    const action = req.params.action as keyof typeof SWEEP_TRANSITIONS;
    const transition = Object.hasOwn(SWEEP_TRANSITIONS, action) ? SWEEP_TRANSITIONS[action] : undefined;
    if (!transition) throw new HypersweepError('NOT_FOUND', `no route POST ${req.path}`);
    const sweepId = req.params.id;
    const reason = { pause: 'paused by user', resume: '', stop: 'stopped by user', cancel: 'canceled by user' }[action];
    await setSweepState(redis, sweepId, transition.to, { from: transition.from, reason });
    await wakeSweep(redis, sweepId);
    res.json(await getSweepSummary(redis, sweepId));
  });

  api.get('/agents', async (_req, res) => {
    res.json({ agents: await listAgents(redis) });
  });

  api.use(notFoundHandler);
  app.use('/api', api);
  app.use('/', dashboardRouter());
  app.use(errorHandler(options.log));
  return app;
}
