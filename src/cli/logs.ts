/** `hypersweep logs RUN`: the output tail of a run's latest attempt. */
import type { Command } from 'commander';
import type { RunDetail } from '../store/run-store.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

export function register(program: Command): void {
  serverOptions(program.command('logs').description("print the output tail of a run's latest attempt").argument('<run>', 'run id')).action(async (runId: string, opts: ServerOptions) => {
    const run = await new ApiClient(opts).get<RunDetail>(`/api/runs/${encodeURIComponent(runId)}?historyLimit=0`);
    process.stdout.write(run.output.endsWith('\n') || run.output === '' ? run.output : `${run.output}\n`);
    if (run.output === '') console.error(`run ${runId} (${run.state}, attempt ${run.attempt}) has no output yet`);
  });
}
