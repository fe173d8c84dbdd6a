/** `hypersweep export SWEEP [--format csv|jsonl] [--history] [-o FILE]`: a sweep's runs as a table, from the server. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { HypersweepError } from '../errors.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

export function register(program: Command): void {
  serverOptions(
    program
      .command('export')
      .description('print a sweep\'s runs as CSV (one row per run, config in dotted columns) or JSONL')
      .argument('<sweep>', 'sweep id')
      .option('--format <format>', 'csv or jsonl', 'csv')
      .option('--history', 'JSONL only: add each run\'s metric rows (implies --format jsonl)')
      .option('-o, --output <file>', 'write to FILE instead of standard output'),
  ).action(async (sweepId: string, opts: ServerOptions & { format: string; history?: boolean; output?: string }) => {
    const format = opts.history ? 'jsonl' : opts.format;
    if (opts.history && opts.format !== 'csv' && opts.format !== 'jsonl') throw new HypersweepError('BAD_REQUEST', `--format must be csv or jsonl (got ${opts.format})`);
    const query = new URLSearchParams({ format, ...(opts.history ? { history: '1' } : {}) });
    const text = await new ApiClient(opts).getText(`/api/sweeps/${encodeURIComponent(sweepId)}/export?${query}`);
    if (opts.output) writeFileSync(opts.output, text);
    else process.stdout.write(text);
  });
}
