/**
 * `hypersweep best SWEEP`: the best config so far, as JSON, YAML or command-line arguments.
 * A sweep with several objectives (`metrics:`) has a Pareto set instead: JSON and YAML print the
 * API's `{pareto: [...]}`; args print one line per member, after a `# run values` comment.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { Config } from '../config/types.js';
import { pastableArgs } from 'hypersweep/web/shared/config-args.js';
import { HypersweepError } from '../errors.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

/**
 * `{lr: 0.01, opt: {name: adam}, flag: true}` → `--lr=0.01 --opt.name=adam --flag=True`: exactly
 * what the agent's `${args}` gave the script, shell-quoted where needed so it can be pasted.
 */
export function configArgs(config: Config): string[] {
  return pastableArgs(config);
}

export function register(program: Command): void {
  serverOptions(
    program
      .command('best')
      .description('the best config of a sweep so far')
      .argument('<sweep>', 'sweep id')
      .option('--format <format>', 'json | yaml | args', 'json')
      .option('--json', 'the same as --format json'),
  ).action(async (sweepId: string, opts: ServerOptions & { format: string; json?: boolean }) => {
    if (opts.json) opts.format = 'json';
    if (!['json', 'yaml', 'args'].includes(opts.format)) throw new HypersweepError('BAD_REQUEST', `--format must be json, yaml or args (got ${opts.format})`);
    const best = await new ApiClient(opts).get<BestAnswer>(`/api/sweeps/${encodeURIComponent(sweepId)}/best`);
    if ('pareto' in best) {
      printPareto(best, opts.format);
      return;
    }
    if (opts.format === 'json') console.log(JSON.stringify({ runId: best.runId, config: best.config, value: best.value }));
    else if (opts.format === 'yaml') process.stdout.write(stringify({ runId: best.runId, value: best.value, config: best.config }));
    else console.log(configArgs(best.config).join(' '));
  });
}

type ParetoAnswer = { pareto: Array<{ runId: string; config: Config; values: Record<string, number> }> };
type BestAnswer = { runId: string; config: Config; value: number } | ParetoAnswer;

function printPareto(best: ParetoAnswer, format: string): void {
  if (format === 'json') console.log(JSON.stringify({ pareto: best.pareto }));
  else if (format === 'yaml') process.stdout.write(stringify({ pareto: best.pareto }));
  else {
    for (const m of best.pareto) {
      console.log(`# ${m.runId} ${Object.entries(m.values).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      console.log(configArgs(m.config).join(' '));
    }
  }
}
