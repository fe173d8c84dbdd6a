/** `hypersweep ls`: the sweeps on the server, newest first. */
import type { Command } from 'commander';
import { FINAL_RUN_STATES } from '../run-record.js';
import type { SweepSummary } from '../store/sweep-store.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';
import { formatTable } from './format-table.js';

export function register(program: Command): void {
  serverOptions(program.command('ls').description('list sweeps, newest first').option('--json', 'print the JSON')).action(async (opts: ServerOptions & { json?: boolean }) => {
    const { sweeps } = await new ApiClient(opts).get<{ sweeps: SweepSummary[] }>('/api/sweeps');
    if (opts.json) {
      console.log(JSON.stringify(sweeps));
      return;
    }
    const rows = sweeps.map((s) => {
      const done = FINAL_RUN_STATES.reduce((n, state) => n + s.counts[state], 0);
      return [
        s.id,
        s.name,
        s.method,
        s.state,
        `${done}/${s.total ?? '∞'}`,
        String(s.counts.running),
        s.best ? `${s.metric?.name ?? ''}=${s.best.value}` : '-',
      ];
    });
    console.log(formatTable(['ID', 'NAME', 'METHOD', 'STATE', 'DONE', 'RUNNING', 'BEST'], rows));
  });
}
