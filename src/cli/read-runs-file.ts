/** Reads the run records that `hypersweep suggest` and `hypersweep stop-check` take offline. */
import { readFileSync } from 'node:fs';
import { HypersweepError } from '../errors.js';
import { isFiniteNumber } from '../metrics/finite-number.js';
import { RUN_STATES, type HistoryRow, type RunRecord, type RunState } from '../run-record.js';

/**
 * Reads a JSON array of run records. `state` defaults to `finished`, `history` to [], `id` to
 * `run<index>`; anything of the wrong type is refused with the run's index and the field —
 * except metric entries of a history row or the summary that are not finite numbers (`"NaN"`
 * strings, booleans, null): those are skipped, as W&B skips them (sweeps/run.py `is_number`).
 */
export function readRunsFile(path: string): RunRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new HypersweepError('BAD_REQUEST', `${path}: cannot read the runs file: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new HypersweepError('BAD_REQUEST', `${path}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(data)) throw new HypersweepError('BAD_REQUEST', `${path}: expected a JSON array of run records`);
  return data.map((item, i) => toRunRecord(item, `${path}: run ${i}`, i));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toRunRecord(item: unknown, where: string, index: number): RunRecord {
  const fail = (message: string): never => {
    throw new HypersweepError('BAD_REQUEST', `${where}: ${message}`);
  };
  if (!isObject(item)) return fail('expected an object { id, state, config, history }');
  const { id = `run${index}`, state = 'finished', config, history = [], summary } = item;
  if (typeof id !== 'string') fail(`id must be a string (got ${JSON.stringify(id)})`);
  if (!RUN_STATES.includes(state as RunState)) fail(`state must be one of ${RUN_STATES.join(', ')} (got ${JSON.stringify(state)})`);
  if (!isObject(config)) fail('config must be an object of parameter values');
  if (!Array.isArray(history)) fail('history must be an array of { _step, <metric>: number }');
  const rows = (history as unknown[]).map((row, j) => {
    if (!isObject(row)) return fail(`history[${j}] must be an object of numbers`);
    if (row._step !== undefined && !isFiniteNumber(row._step)) fail(`history[${j}] must be an object of numbers: _step must be a finite number (got ${JSON.stringify(row._step)})`);
    return finiteEntries(row) as HistoryRow;
  });
  if (summary !== undefined && !isObject(summary)) fail('summary must be an object of numbers');
  return {
    id: id as string,
    state: state as RunState,
    config: config as RunRecord['config'],
    history: rows,
    ...(summary !== undefined ? { summary: finiteEntries(summary as Record<string, unknown>) } : {}),
  };
}

/** The entries whose value is a finite number. */
function finiteEntries(row: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(row)) if (isFiniteNumber(value)) out[key] = value;
  return out;
}
