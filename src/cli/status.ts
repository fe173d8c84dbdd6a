/** `hypersweep status SWEEP`: the sweep's state and its runs per state. */
import type { Command } from 'commander';
import type { SweepSummary } from '../store/sweep-store.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

export function register(program: Command): void {
  serverOptions(program.command('status').description("a sweep's state and run counts").argument('<sweep>', 'sweep id').option('--json', 'print {"state", "runs": {...}}')).action(
    async (sweepId: string, opts: ServerOptions & { json?: boolean }) => {
      const s = await new ApiClient(opts).get<SweepSummary>(`/api/sweeps/${encodeURIComponent(sweepId)}`);
      if (opts.json) {
        console.log(JSON.stringify({ state: s.state, stateReason: s.stateReason, runs: s.counts, total: s.total, best: s.best }));
        return;
      }
      console.log(`sweep ${s.id} (${s.name}): ${s.state}${s.stateReason ? ` — ${s.stateReason}` : ''}`);
      console.log(`runs: ${Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(', ')}${s.total !== null ? ` (of ${s.total})` : ''}`);
      if (s.best) console.log(`best: run ${s.best.runId} ${s.metric?.name ?? ''} = ${s.best.value}`);
    },
  );
}
