/**
 * A sweep's data out and away: `GET /sweeps/:id/export?format=csv|jsonl&history=1` (a table of
 * its runs, src/api/sweep-export.ts) and `DELETE /sweeps/:id?force=1` (every key of the sweep,
 * its runs and its BullMQ queue). A running or paused sweep is refused without force; with
 * force it is canceled first, and the keys go once its leader has let go (its runs ended).
 */
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import { HypersweepError } from '../errors.js';
import { removeRunQueue } from '../queue/remove-run-queue.js';
import { readExportRuns } from '../store/export-runs.js';
import { deleteSweepData, sweepIsLed } from '../store/sweep-removal.js';
import { wakeSweep } from '../store/sweep-signals.js';
import { getSweep, getSweepSummary, setSweepState, SWEEP_TRANSITIONS } from '../store/sweep-store.js';
import { one } from './query-params.js';
import { EXPORT_FORMATS, exportCsv, exportJsonl, type ExportFormat } from './sweep-export.js';

/** How long DELETE waits for the leader of a canceled sweep to let go (its running runs to be killed). @defaultValue 30 s */
export const REMOVE_WAIT_MS = 30_000;
const REMOVE_POLL_MS = 100;

function flag(value: unknown, name: string): boolean {
  const text = one(value, name);
  if (text === undefined || text === '' || text === '0' || text === 'false') return false;
  if (text === '1' || text === 'true') return true;
  throw new HypersweepError('BAD_REQUEST', `${name} must be 1, true, 0 or false (got ${JSON.stringify(text.slice(0, 40))})`);
}

export function exportRoutes(api: Router, redis: Redis): void {
  api.get('/sweeps/:id/export', async (req, res) => {
    const format = (one(req.query.format, 'format') ?? 'csv') as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) throw new HypersweepError('BAD_REQUEST', `format must be one of ${EXPORT_FORMATS.join(', ')} (got ${JSON.stringify(format.slice(0, 40))})`);
    const history = flag(req.query.history, 'history');
    if (history && format !== 'jsonl') throw new HypersweepError('BAD_REQUEST', 'history comes as JSONL: ask for format=jsonl&history=1');
    const sweep = await getSweep(redis, req.params.id);
    const runs = await readExportRuns(redis, sweep.id, history);
    const file = `${sweep.id}.${format}`;
    res.setHeader('content-disposition', `attachment; filename="${file}"`);
    if (format === 'csv') res.type('text/csv; charset=utf-8').send(exportCsv(sweep.config, runs));
    else res.type('application/x-ndjson; charset=utf-8').send(exportJsonl(sweep.config, runs));
  });

  api.delete('/sweeps/:id', async (req, res) => {
    const sweepId = req.params.id;
    const force = flag(req.query.force, 'force');
    const sweep = await getSweepSummary(redis, sweepId);
    if (sweep.state === 'running' || sweep.state === 'paused') {
      if (!force) throw new HypersweepError('CONFLICT', `sweep ${sweepId} is ${sweep.state}: cancel it first (hypersweep cancel ${sweepId}) or pass --force (force=1), which cancels it`);
      const cancel = SWEEP_TRANSITIONS.cancel;
      await setSweepState(redis, sweepId, cancel.to, { from: cancel.from, reason: 'canceled by rm --force' });
      await wakeSweep(redis, sweepId);
    }
    // The leader of a sweep that ended lets go once its last runs ended; until then it writes.
    const deadline = Date.now() + REMOVE_WAIT_MS;
    while (await sweepIsLed(redis, sweepId)) {
      if (Date.now() > deadline) throw new HypersweepError('CONFLICT', `sweep ${sweepId} still has runs ending (its controller leads it); try again in a moment`);
      await new Promise((r) => setTimeout(r, REMOVE_POLL_MS));
    }
    await removeRunQueue(redis, sweepId);
    const { runs } = await deleteSweepData(redis, sweepId);
    res.json({ id: sweepId, removed: true, runs });
  });
}
