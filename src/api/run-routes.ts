/** Runs: a sweep's runs (filtered, sorted, paged) and one run with a page of its history. */
import type { Request, Router } from 'express';
import type { RedisClient } from '../store/redis-client.js';
import { HypersweepError, NotFoundError } from '../errors.js';
import { RUN_STATES, type RunState } from '../run-record.js';
import { getRun, listRuns, RUN_SORTS, runSweepId, type RunDetail, type RunSort } from '../store/run-store.js';
import { readRunProvenance, readSweepProvenance, type AttemptProvenance } from '../store/run-provenance.js';
import { getSweepConfig } from '../store/sweep-store.js';
import { cursorParam, intParam, one } from './query-params.js';

/** A run missing from the sweep named in the path says so. */
function notInSweep(sweepId: string, runId: string): (err: unknown) => never {
  return (err) => {
    throw err instanceof NotFoundError ? new NotFoundError(`run ${runId}`, `run ${runId} not found in sweep ${sweepId}`) : err;
  };
}

export function runRoutes(api: Router, redis: RedisClient): void {
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
      cursor: cursorParam(req.query.cursor),
      goal: config.metric?.goal,
    });
    res.json(page);
  });

  /** The run with its attempts' provenance records (what each ran: code, packages, command). */
  const runDetail = async (req: Request, sweepId: string, runId: string): Promise<RunDetail & { provenance: AttemptProvenance[] }> => {
    const page = { historyFrom: intParam(req.query.historyFrom, 'historyFrom'), historyLimit: intParam(req.query.historyLimit, 'historyLimit') };
    const [run, provenance] = await Promise.all([getRun(redis, sweepId, runId, page).catch(notInSweep(sweepId, runId)), readRunProvenance(redis, sweepId, runId)]);
    return { ...run, provenance };
  };
  api.get('/sweeps/:id/runs/:runId', async (req, res) => {
    res.json(await runDetail(req, req.params.id, req.params.runId));
  });
  /** The sweep's code variants and package sets, with how many attempts ran on each. */
  api.get('/sweeps/:id/provenance', async (req, res) => {
    await getSweepConfig(redis, req.params.id);
    res.json(await readSweepProvenance(redis, req.params.id));
  });
  api.get('/runs/:runId', async (req, res) => {
    res.json(await runDetail(req, await runSweepId(redis, req.params.runId), req.params.runId));
  });
}
