/**
 * `hypersweep import FILE --sweep-file SWEEP_FILE`: an export (`hypersweep export --history`,
 * JSONL) brought back as a finished, read-only sweep, usable as `--prior`. An export holds runs
 * only, so the sweep file comes beside it.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { HypersweepError } from '../errors.js';
import type { SweepDetail } from '../store/sweep-store.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

export function register(program: Command): void {
  serverOptions(
    program
      .command('import')
      .description('bring an export (JSONL, with --history for bayes) back as a finished read-only sweep, usable as --prior')
      .argument('<file>', 'the export (JSONL from hypersweep export --format jsonl --history)')
      .requiredOption('--sweep-file <file>', 'the sweep file the runs were made with'),
  ).action(async (file: string, opts: ServerOptions & { sweepFile: string }) => {
    const runs = readFileSync(file, 'utf8').split('\n').flatMap((line, i) => {
      if (line.trim() === '') return [];
      try {
        return [JSON.parse(line) as unknown];
      } catch {
        throw new HypersweepError('BAD_REQUEST', `${file}:${i + 1}:1: not a JSON line (import reads the JSONL of hypersweep export --format jsonl)`);
      }
    });
    const body = JSON.stringify({ source: readFileSync(opts.sweepFile, 'utf8'), runs, from: basename(file) });
    const sweep = await new ApiClient(opts).post<SweepDetail>('/api/sweeps/import', body);
    const n = Object.values(sweep.counts).reduce((a, b) => a + b, 0);
    console.log(`imported sweep ${sweep.id} (${sweep.name}: ${n} runs, finished, read-only); use it with --prior ${sweep.id}`);
  });
}
