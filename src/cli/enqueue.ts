/**
 * `hypersweep enqueue SWEEP [FILE] [--set k=v ...] [--force]`: run a hand-picked config first.
 * FILE holds the config (YAML or JSON, nested parameters as objects); each `--set a.b=v`
 * sets one dotted parameter on top of it, the value read as YAML (`0.01` a number, `adam` a string).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { Config, ParamValue } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import { ApiClient, serverOptions, type ServerOptions } from './api-client.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The config of FILE with each `--set` applied. */
export function enqueuedConfig(file: string | undefined, sets: readonly string[]): Config {
  let config: Config = {};
  if (file !== undefined) {
    const read: unknown = parse(readFileSync(file, 'utf8'));
    if (read === null || typeof read !== 'object' || Array.isArray(read)) throw new HypersweepError('BAD_REQUEST', `${file}: a config is a mapping of parameter names to values`);
    config = read as Config;
  }
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new HypersweepError('BAD_REQUEST', `--set ${set}: write --set name=value (dotted names for nested parameters)`);
    const path = set.slice(0, eq).split('.');
    const value = parse(set.slice(eq + 1)) as ParamValue;
    let node: Config = config;
    for (const name of path.slice(0, -1)) {
      const next = node[name];
      if (next === undefined || next === null || typeof next !== 'object' || Array.isArray(next)) node[name] = {};
      node = node[name] as Config;
    }
    node[path[path.length - 1]!] = value;
  }
  if (Object.keys(config).length === 0) throw new HypersweepError('BAD_REQUEST', 'give a config: a FILE, --set name=value, or both');
  return config;
}

export function register(program: Command): void {
  serverOptions(
    program
      .command('enqueue')
      .description('run a hand-picked config before any searched one (counts against run_cap)')
      .argument('<sweep>', 'sweep id')
      .argument('[file]', 'the config (YAML or JSON)')
      .option('--set <name=value>', 'set one parameter (dotted for nested; repeatable)', collect, [] as string[])
      .option('--force', 'enqueue a config outside the sweep\'s space'),
  ).action(async (sweepId: string, file: string | undefined, opts: ServerOptions & { set: string[]; force?: boolean }) => {
    const config = enqueuedConfig(file, opts.set);
    const out = await new ApiClient(opts).post<{ runId: string }>(`/api/sweeps/${encodeURIComponent(sweepId)}/runs`, JSON.stringify({ config, force: opts.force === true }));
    console.log(`enqueued run ${out.runId}: ${JSON.stringify(config)}`);
  });
}
