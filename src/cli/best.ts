/** `hypersweep best SWEEP`: the best config so far, as JSON, YAML or command-line arguments. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { Config } from '../config/types.js';
import { flattenConfig, formatValue } from '../../worker/command-macros.js';
import { HypersweepError } from '../errors.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

/**
 * `{lr: 0.01, opt: {name: adam}, flag: true}` → `--lr=0.01 --opt.name=adam --flag=True`: exactly
 * what the agent's `${args}` gave the script, shell-quoted where needed so it can be pasted.
 */
export function configArgs(config: Config): string[] {
  return flattenConfig(config).map(([name, value]) => shellQuote(`--${name}=${formatValue(value)}`));
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function register(program: Command): void {
  serverOptions(
    program
      .command('best')
      .description('the best config of a sweep so far')
      .argument('<sweep>', 'sweep id')
      .option('--format <format>', 'json | yaml | args', 'json'),
  ).action(async (sweepId: string, opts: ServerOptions & { format: string }) => {
    if (!['json', 'yaml', 'args'].includes(opts.format)) throw new HypersweepError('BAD_REQUEST', `--format must be json, yaml or args (got ${opts.format})`);
    const best = await new ApiClient(opts).get<{ runId: string; config: Config; value: number }>(`/api/sweeps/${encodeURIComponent(sweepId)}/best`);
    if (opts.format === 'json') console.log(JSON.stringify({ runId: best.runId, config: best.config, value: best.value }));
    else if (opts.format === 'yaml') process.stdout.write(stringify({ runId: best.runId, value: best.value, config: best.config }));
    else console.log(configArgs(best.config).join(' '));
  });
}
