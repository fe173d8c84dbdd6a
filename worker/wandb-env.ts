/**
 * What a training script written for W&B needs from the agent, added to the child's environment.
 *
 * - Always: the params file `wandb agent` writes for `wandb.init()` (WANDB_SWEEP_PARAM_PATH:
 *   `wandb_version: 1`, then `name: {value: v}` per parameter), in the attempt's folder.
 * - The run's python (scriptInterpreter) can import the real `wandb` (and the sweep did not ask for the stand-in):
 *   python/wandb_hook goes on PYTHONPATH; its sitecustomize mirrors every `Run.log` and summary
 *   update of the real package into hypersweep, and the script keeps logging to W&B as before.
 * - Otherwise (or `hypersweep: {wandb: standin}`): python/wandb_standin goes first on PYTHONPATH,
 *   a pure-Python `wandb` that sends what the script logs to hypersweep only.
 * - WANDB_SWEEP_ID / WANDB_RUN_ID only when W&B is offline or disabled: online, wandb.init() would
 *   attach the run to a sweep and run of the W&B server, where our ids do not exist.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { Document, isScalar, visit } from 'yaml';
import type { Config } from '../src/config/types.js';
import { packageRoot } from '../src/package-root.js';
import { WANDB_PARAMS_FILE } from './attempt-files.js';
import type { RunJob } from '../src/queue/run-job.js';

/** Where the stand-in package and the import hook live. */
export const WANDB_STANDIN_DIR = join(packageRoot, 'python', 'wandb_standin');
export const WANDB_HOOK_DIR = join(packageRoot, 'python', 'wandb_hook');

/** The text of W&B's sweep params file for `config` (what `wandb agent` writes, YAML); `floats` print `1.0`. */
export function wandbParamsYaml(config: Config, floats: readonly string[][] = []): string {
  const params = Object.fromEntries(Object.entries(config).map(([name, value]) => [name, { value }]));
  if (Object.keys(params).length === 0) return 'wandb_version: 1\n';
  const doc = new Document(params);
  for (const [name, ...rest] of floats) {
    const node = doc.getIn([name, 'value', ...rest], true);
    if (isScalar(node)) node.minFractionDigits = 1;
  }
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string' && /[\u007f-\u009f\u2028\u2029]/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return `wandb_version: 1\n\n${doc.toString().replace(RAW_IN_YAML, yamlEscape)}`;
}

/**
 * What the yaml package leaves raw even in a double-quoted string: DEL, C1 controls, U+2028/9.
 * Strings holding them are written double-quoted, where `\\x9b` and `\\u2028` are escapes: the
 * file reads back the same and prints safely (`hypersweep reproduce` shows it).
 */
const RAW_IN_YAML = /[\u007f-\u009f\u2028\u2029]/g;

function yamlEscape(c: string): string {
  const code = c.charCodeAt(0);
  return code > 0xff ? `\\u${code.toString(16)}` : `\\x${code.toString(16)}`;
}

const probes = new Map<string, Promise<boolean>>();
const PROBE = 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("wandb") else 3)';

/**
 * Whether `interpreter` can import a `wandb` package with this environment, asked once per
 * (interpreter, PYTHONPATH, cwd) and agent. An interpreter that cannot be started counts as no.
 */
export function canImportWandb(interpreter: string, env: NodeJS.ProcessEnv, cwd: string): Promise<boolean> {
  const key = [interpreter, env.PYTHONPATH ?? '', cwd].join('\0');
  let probe = probes.get(key);
  if (!probe) {
    probe = new Promise<boolean>((resolve) => {
      execFile(interpreter, ['-c', PROBE], { env, cwd, timeout: 30_000, windowsHide: true }, (err) => resolve(err === null));
    });
    probes.set(key, probe);
  }
  return probe;
}

/**
 * The Python that will run the script: the argv's first element, after `/usr/bin/env` and its
 * `NAME=value` settings, when it is named like a python (`python3`, `/venv/bin/python3.11`);
 * otherwise (a launcher, an executable script) the agent's `${interpreter}`.
 */
export function scriptInterpreter(argv: readonly string[], fallback: string): string {
  let i = 0;
  if (argv[i] !== undefined && basename(argv[i]!) === 'env') {
    i++;
    while (argv[i] !== undefined && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i]!) || argv[i]!.startsWith('-'))) i++;
  }
  const first = argv[i];
  return first !== undefined && /^python[0-9.]*$/.test(basename(first)) ? first : fallback;
}

export interface WandbEnvContext {
  job: RunJob;
  /** The attempt's own folder (removed when the attempt ends). */
  dir: string;
  /** The run's argv: its python decides whether the real wandb is importable. */
  argv: readonly string[];
  /** The agent's `${interpreter}`, asked when the argv does not start with a python. */
  interpreter: string;
  cwd: string;
}

/** Adds the W&B part to `env` (the child's environment, PYTHONPATH already set) and writes its params file. */
export async function addWandbEnv(env: NodeJS.ProcessEnv, ctx: WandbEnvContext): Promise<void> {
  const paramsPath = join(ctx.dir, WANDB_PARAMS_FILE);
  // Synchronous, like the attempt's other files (worker/attempt-files.ts says why).
  writeFileSync(paramsPath, wandbParamsYaml(ctx.job.config, ctx.job.floats));
  const realWandb = ctx.job.execution?.wandb === 'standin' ? false : await canImportWandb(scriptInterpreter(ctx.argv, ctx.interpreter), env, ctx.cwd);
  env.WANDB_SWEEP_PARAM_PATH = paramsPath;
  env.PYTHONPATH = [realWandb ? WANDB_HOOK_DIR : WANDB_STANDIN_DIR, env.PYTHONPATH].filter(Boolean).join(delimiter);
  if (/^(offline|disabled|dryrun)$/.test(env.WANDB_MODE ?? '')) {
    env.WANDB_SWEEP_ID = ctx.job.sweepId;
    env.WANDB_RUN_ID = ctx.job.runId;
  }
}
