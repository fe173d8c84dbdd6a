/** `hypersweep update SWEEP FILE`: a new version of a sweep's file (bounds, values, parameters, run_cap, early_terminate, command); prints what changed. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { changeLines } from 'hypersweep/web/shared/version-changes.js';
import type { VersionDiff } from '../api/version-diff.js';
import { loadSweepFile } from '../config/load-sweep-file.js';
import { formatConfigIssue } from '../errors.js';
import type { SweepDetail } from '../store/sweep-store.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

export function register(program: Command): void {
  serverOptions(
    program
      .command('update')
      .description('apply a new version of the sweep file to a running or finished sweep (method and metric stay)')
      .argument('<sweep>', 'sweep id')
      .argument('<file>', 'the new sweep file'),
  ).action(async (sweepId: string, file: string, opts: ServerOptions) => {
    loadSweepFile(file, { onWarning: (w) => console.error(`warning: ${formatConfigIssue(file, w)}`) });
    const type = /\.json$/i.test(file) ? 'application/json' : 'text/yaml';
    const client = new ApiClient(opts);
    const s = await client.request<SweepDetail & { version: number }>('PUT', `/api/sweeps/${encodeURIComponent(sweepId)}`, readFileSync(file, 'utf8'), type);
    console.log(`sweep ${s.id}: version ${s.version}, ${s.state}${s.total === null ? '' : `, ${s.total} runs at most`}`);
    // what changed from the version before, as the dashboard's versions card says it
    const { versions } = await client.request<{ versions: Array<{ version: number; changes: VersionDiff | null }> }>('GET', `/api/sweeps/${encodeURIComponent(s.id)}/versions`);
    const lines = changeLines(versions.find((v) => v.version === s.version)?.changes ?? null);
    for (const line of lines) console.log(`  ${line.text}`);
    if (lines.length === 0) console.log('  no change');
  });
}
