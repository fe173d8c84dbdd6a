/**
 * `hypersweep stop-check FILE --runs RUNS.json`: which running runs the sweep's early_terminate
 * rule would stop now, offline. Prints a JSON array of `{ runId, reason }` (`[]` when none, or
 * when the sweep has no early_terminate or no metric).
 */
import type { Command } from 'commander';
import { loadSweepFile } from '../config/load-sweep-file.js';
import { stopRuns } from '../stopping/stop-runs.js';
import { readRunsFile } from './read-runs-file.js';

export function register(program: Command): void {
  program
    .command('stop-check')
    .description('print the running runs early termination would stop now, with reasons, as JSON')
    .argument('<file>', 'sweep file (YAML)')
    .requiredOption('--runs <file>', 'JSON array of run records { id, state, config, history, summary? } the sweep has so far')
    .action((file: string, opts: { runs: string }) => {
      const config = loadSweepFile(file);
      const runs = readRunsFile(opts.runs);
      console.log(JSON.stringify(stopRuns(config, runs), null, 2));
    });
}
