/** `hypersweep sweep FILE`: validate the sweep file locally, create the sweep on the server, print how to start agents. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadSweepFile } from '../config/load-sweep-file.js';
import { formatConfigIssue } from '../errors.js';
import type { SweepDetail } from '../store/sweep-store.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

export function register(program: Command): void {
  serverOptions(
    program
      .command('sweep')
      .description('create a sweep from a sweep file and print the command that starts agents')
      .argument('<file>', 'sweep file (YAML, or JSON for .json)')
      .option('--prior <ids>', 'warm start: finished runs of these sweeps (comma-separated ids) whose configs lie in the space are observations, never run again')
      .option('--json', 'print {"id": ...} only'),
  ).action(async (file: string, opts: ServerOptions & { json?: boolean; prior?: string }) => {
    loadSweepFile(file, { onWarning: (w) => console.error(`warning: ${formatConfigIssue(file, w)}`) });
    const client = new ApiClient(opts);
    const type = /\.json$/i.test(file) ? 'application/json' : 'text/yaml';
    const query = opts.prior ? `?${new URLSearchParams({ prior: opts.prior })}` : '';
    const sweep = await client.post<SweepDetail>(`/api/sweeps${query}`, readFileSync(file, 'utf8'), type);
    if (opts.json) {
      console.log(JSON.stringify({ id: sweep.id }));
      return;
    }
    const server = await client.get<{ redisUrl: string | null }>('/api/server').catch(() => ({ redisUrl: null }));
    const redis = server.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const size = sweep.total === null ? 'unbounded' : `${sweep.total} runs`;
    console.log(`created sweep ${sweep.id} (${sweep.name}: ${sweep.method}, ${size})`);
    if (sweep.prior) console.log(`prior: ${sweep.prior.runs} runs from ${sweep.prior.sweeps.join(', ')}`);
    console.log('start agents with:');
    console.log(`  hypersweep agent ${sweep.id} --redis ${redis}`);
  });
}
