/**
 * `hypersweep suggest FILE [--runs RUNS.json] [--count N] [--seed S]`: what the search would
 * propose next, offline. Prints a JSON array of `{ config, reason }`; when it is empty, says on
 * stderr whether the search waits (nothing new now) or the space is exhausted.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadSweepFile } from '../config/load-sweep-file.js';
import { readRunsFile } from './read-runs-file.js';
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
      const outcome = nextRuns(config, runs, { count: opts.count, seed });
      console.log(JSON.stringify(outcome.proposals, null, 2));
      if (outcome.kind !== 'proposals') console.error(`${outcome.kind}: ${outcome.reason}`);
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
