/**
 * A sweep's runs as a table: one row per run, the config flattened to dotted columns
 * (`config.optimizer.lr`), state, attempts, score(s), summary values, start/end/duration and the
 * stop reason. CSV through csv-stringify (RFC 4180 quoting); JSONL keeps the config nested and,
 * with history, each run's metric rows. Pure: runs in, text out.
 */
import { stringify } from 'csv-stringify/sync';
import type { SweepConfig } from '../config/types.js';
import { objectivesOf, runScores } from '../metrics/objectives.js';
import { rowsOfAttempt } from '../run-record.js';
import type { ExportRun } from '../store/export-runs.js';

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

type Cell = string | number | boolean | null;

/** `{a: {b: 1}, c: 2}` → `{'a.b': 1, c: 2}`; arrays and other non-plain values stay whole (JSON in CSV). */
export function flattenConfig(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flattenConfig(v as Record<string, unknown>, path, out);
    else out[path] = v;
  }
  return out;
}

function cell(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** The score columns: `score` for one metric (the stored score), `score.<name>` per objective for several. */
function scoreCells(config: SweepConfig, run: ExportRun): Record<string, number | null> {
  if (!config.metrics) return { score: run.score };
  const record = { history: rowsOfAttempt(run.history ?? [], run.attempt), ...(run.summary ? { summary: run.summary } : {}) };
  const metrics = objectivesOf(config);
  const scores = run.history || run.summary ? runScores(record, metrics) : metrics.map(() => undefined);
  return Object.fromEntries(metrics.map((m, i) => [`score.${m.name}`, scores[i] ?? null]));
}

/** The fields every format shares, config and summary kept as objects. */
export function exportRecord(config: SweepConfig, run: ExportRun): Record<string, unknown> {
  return {
    run_id: run.id,
    state: run.state,
    reason: run.reason,
    version: run.version,
    attempts: run.attempt,
    ...scoreCells(config, run),
    created_at: iso(run.createdAt),
    started_at: iso(run.startedAt),
    ended_at: iso(run.endedAt),
    duration_sec: run.startedAt !== null && run.endedAt !== null ? (run.endedAt - run.startedAt) / 1000 : null,
    exit_code: run.exitCode,
    stop_reason: run.stopReason,
    commit: run.provenance?.commit ?? null,
    dirty: run.provenance ? run.provenance.dirty : null,
    packages_sha256: run.provenance?.packagesSha256 ?? null,
    host: run.provenance?.host ?? null,
    config: run.config,
    summary: run.summary,
  };
}

/** CSV with a header row; columns: the fixed ones, then `config.*` and `summary.*` in first-seen order. */
export function exportCsv(config: SweepConfig, runs: readonly ExportRun[]): string {
  const rows = runs.map((run) => {
    const { config: cfg, summary, ...fixed } = exportRecord(config, run);
    const flat: Record<string, Cell> = {};
    for (const [k, v] of Object.entries(fixed)) flat[k] = cell(v);
    for (const [k, v] of Object.entries(flattenConfig(cfg as Record<string, unknown>))) flat[`config.${k}`] = cell(v);
    for (const [k, v] of Object.entries((summary as Record<string, unknown> | null) ?? {})) flat[`summary.${k}`] = cell(v);
    return flat;
  });
  const fixedColumns = Object.keys(exportRecord(config, { ...EMPTY_RUN })).filter((c) => c !== 'config' && c !== 'summary');
  const extra = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!fixedColumns.includes(k)) extra.add(k);
  const dynamic = [...extra].sort((a, b) => (a.startsWith('config.') === b.startsWith('config.') ? 0 : a.startsWith('config.') ? -1 : 1));
  return stringify(rows, { header: true, columns: [...fixedColumns, ...dynamic], cast: { boolean: (b) => String(b) } });
}

/** JSONL: one JSON object per run (config nested), with `history` when the runs carry it. */
export function exportJsonl(config: SweepConfig, runs: readonly ExportRun[]): string {
  return runs.map((run) => JSON.stringify(run.history ? { ...exportRecord(config, run), history: run.history } : exportRecord(config, run)) + '\n').join('');
}

/** A run with nothing in it: only its keys matter (the CSV header of a sweep without runs). */
const EMPTY_RUN: ExportRun = {
  id: '', sweepId: '', state: 'pending', config: {}, score: null, attempt: 1, agentId: null, slot: null,
  createdAt: 0, startedAt: null, endedAt: null, exitCode: null, stopReason: null, reason: '', version: 1, steps: 0, summary: null, provenance: null,
};
