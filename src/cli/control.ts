/** `hypersweep pause|resume|stop|cancel SWEEP`: change a sweep's state. */
import type { Command } from 'commander';
import type { SweepSummary } from '../store/sweep-store.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

const ACTIONS = {
  pause: 'stop proposing new runs (running and queued runs go on)',
  resume: 'propose new runs again',
  stop: 'finish the sweep: no new runs, queued runs canceled, running runs finish',
  cancel: 'cancel the sweep: queued runs canceled, running runs killed',
} as const;

export function register(program: Command): void {
  for (const [action, description] of Object.entries(ACTIONS)) {
    serverOptions(program.command(action).description(description).argument('<sweep>', 'sweep id')).action(async (sweepId: string, opts: ServerOptions) => {
      const s = await new ApiClient(opts).post<SweepSummary>(`/api/sweeps/${encodeURIComponent(sweepId)}/${action}`);
      console.log(`sweep ${s.id}: ${s.state}${s.stateReason ? ` (${s.stateReason})` : ''}`);
    });
  }
}
