/**
 * `hypersweep suggest FILE [--runs RUNS.json] [--count N] [--seed S]`: what the search would
 * propose next, offline. Prints a JSON array of `{ config, reason }` (`[]` when a grid is used up).
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { readFileSync } from 'node:fs';
import { loadSweepFile } from '../config/load-sweep-file.js';
import { HypersweepError } from '../errors.js';
import { RUN_STATES, type HistoryRow, type RunRecord, type RunState } from '../run-record.js';
import { nextRuns } from '../search/next-runs.js';

export function register(program: Command): void {
  program
    .command('suggest')
    .description('print the configs the search would run next, as JSON')
    .argument('<file>', 'sweep file (YAML)')
    .option('--runs <file>', 'JSON array of run records { id, state, config, history, summary? } the sweep has so far (default: none)')
    .option('--count <n>', 'how many proposals', parseCount, 1)
    .option('--seed <s>', "the search's seed (default: the sweep file's hypersweep.seed, else 0)", parseSeed)
    .action((file: string, opts: { runs?: string; count: number; seed?: number }) => {
      const config = loadSweepFile(file);
      const runs = opts.runs === undefined ? [] : readRunsFile(opts.runs);
      const seed = opts.seed ?? config.execution.seed ?? 0;
      console.log(JSON.stringify(nextRuns(config, runs, { count: opts.count, seed }), null, 2));
    });
}

function parseCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

/**
 * Reads a JSON array of run records. `state` defaults to `finished`, `history` to [], `id` to
 * `run<index>`; anything of the wrong type is refused with the run's index and the field.
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
  (history as unknown[]).forEach((row, j) => {
    if (!isObject(row) || !Object.values(row).every((v) => typeof v === 'number')) fail(`history[${j}] must be an object of numbers`);
  });
  if (summary !== undefined && (!isObject(summary) || !Object.values(summary).every((v) => typeof v === 'number'))) {
    fail('summary must be an object of numbers');
  }
  return {
    id: id as string,
    state: state as RunState,
    config: config as RunRecord['config'],
    history: history as HistoryRow[],
    ...(summary !== undefined ? { summary: summary as Record<string, number> } : {}),
  };
}
