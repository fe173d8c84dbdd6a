/**
 * A sweep's data out and away: `GET /sweeps/:id/export?format=csv|jsonl&history=1` (a table of
 * its runs, src/api/sweep-export.ts) and `DELETE /sweeps/:id?force=1` (every key of the sweep,
 * its runs and its BullMQ queue). A running or paused sweep is refused without force; with
 * force it is canceled first, and the keys go once its leader has let go (its runs ended).
 */
import express, { type Router } from 'express';
import { parseSweepConfig } from '../config/parse-sweep-config.js';
import type { Config } from '../config/types.js';
import { isFinalRunState, RUN_STATES, type HistoryRow } from '../run-record.js';
import { importRuns, type ImportedRun } from '../store/import-runs.js';
import type { RedisClient } from '../store/redis-client.js';
import { HypersweepError } from '../errors.js';
import { removeRunQueue } from '../queue/remove-run-queue.js';
import { readExportRuns } from '../store/export-runs.js';
import { deleteSweepData, sweepIsLed } from '../store/sweep-removal.js';
import { wakeSweep } from '../store/sweep-signals.js';
import { createSweep, getSweep, getSweepSummary, setSweepState, SWEEP_TRANSITIONS } from '../store/sweep-store.js';
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

/** Largest import body (an export with history). */
const IMPORT_LIMIT = '64mb';

function time(v: unknown, what: string): number | null {
  if (v === null || v === undefined) return null;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new HypersweepError('BAD_REQUEST', `${what} must be an ISO time or null`);
  return ms;
}

/** One exported JSONL record as an imported run; undefined for a run that had not ended. */
function importedRun(v: unknown, i: number): ImportedRun | undefined {
  const at = `runs[${i}]`;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HypersweepError('BAD_REQUEST', `${at} must be an object (a line of an export)`);
  const r = v as Record<string, unknown>;
  if (typeof r.state !== 'string' || !(RUN_STATES as readonly string[]).includes(r.state)) throw new HypersweepError('BAD_REQUEST', `${at}.state must be a run state`);
  if (!isFinalRunState(r.state)) return undefined;
  if (r.config === null || typeof r.config !== 'object' || Array.isArray(r.config)) throw new HypersweepError('BAD_REQUEST', `${at}.config must be an object`);
  const num = (x: unknown, name: string): number | null => {
    if (x === null || x === undefined) return null;
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new HypersweepError('BAD_REQUEST', `${at}.${name} must be a number or null`);
    return x;
  };
  if (r.history !== undefined && !Array.isArray(r.history)) throw new HypersweepError('BAD_REQUEST', `${at}.history must be a list of rows`);
  if (r.summary !== undefined && r.summary !== null && (typeof r.summary !== 'object' || Array.isArray(r.summary))) throw new HypersweepError('BAD_REQUEST', `${at}.summary must be an object`);
  return {
    state: r.state,
    config: r.config as Config,
    attempts: Math.max(1, Math.trunc(num(r.attempts, 'attempts') ?? 1)),
    score: num(r.score, 'score'),
    createdAt: time(r.created_at, `${at}.created_at`) ?? Date.now(),
    startedAt: time(r.started_at, `${at}.started_at`),
    endedAt: time(r.ended_at, `${at}.ended_at`),
    exitCode: num(r.exit_code, 'exit_code'),
    stopReason: typeof r.stop_reason === 'string' ? r.stop_reason : null,
    summary: (r.summary as Record<string, number> | null | undefined) ?? null,
    history: (r.history as HistoryRow[] | undefined) ?? [],
  };
}

export function exportRoutes(api: Router, redis: RedisClient): void {
  /** `{source, file?, runs: [export JSONL records]}` → a finished, read-only sweep holding the ended runs. */
  api.post('/sweeps/import', express.json({ limit: IMPORT_LIMIT }), async (req, res) => {
    const body = req.body as { source?: unknown; runs?: unknown; from?: unknown } | undefined;
    if (!body || typeof body.source !== 'string' || !Array.isArray(body.runs)) throw new HypersweepError('BAD_REQUEST', 'send {"source": "<the sweep file>", "runs": [<the export\'s JSONL records>]} as JSON');
    const config = parseSweepConfig(body.source, { file: 'sweep file' });
    const runs = body.runs.map(importedRun).filter((r): r is ImportedRun => r !== undefined);
    const from = typeof body.from === 'string' ? body.from.slice(0, 200) : 'an export';
    const sweep = await createSweep(redis, { config, source: body.source, finished: { reason: `imported from ${from} (read-only)` } });
    await importRuns(redis, sweep.id, runs);
    res.status(201).json(await getSweep(redis, sweep.id));
  });

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
