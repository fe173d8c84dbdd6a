/** `hypersweep rm SWEEP [--force]`: delete a sweep, its runs and its queue from Redis. */
import type { Command } from 'commander';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

export function register(program: Command): void {
  serverOptions(
    program
      .command('rm')
      .description('delete a sweep and all its data (a running or paused sweep only with --force, which cancels it first)')
      .argument('<sweep>', 'sweep id')
      .option('--force', 'cancel a running or paused sweep first'),
  ).action(async (sweepId: string, opts: ServerOptions & { force?: boolean }) => {
    const path = `/api/sweeps/${encodeURIComponent(sweepId)}${opts.force ? '?force=1' : ''}`;
    const out = await new ApiClient(opts).request<{ id: string; runs: number }>('DELETE', path);
    console.log(`removed sweep ${out.id} (${out.runs} runs)`);
  });
}
