/**
 * The argv of a run: the sweep's `command` template with W&B's macros expanded. Pure: no
 * process, no file system; the caller passes the environment and the params file path.
 *
 * Macros (W&B's, plus two Hydra ones and `${param}`):
 * - `${env}` → `/usr/bin/env` (dropped on Windows); `${interpreter}`; `${program}`.
 * - `${args}` `--k=v` · `${args_no_hyphens}` `k=v` · `${args_no_boolean_flags}` `--k=v`, booleans
 *   `--k` when true and omitted when false · `${args_no_equals}` `--k` `v` (two elements) ·
 *   `${args_append_hydra}` `+k=v` · `${args_override_hydra}` `++k=v`. These stand alone as one
 *   template element and expand to zero or more argv elements.
 * - `${args_json}` the config as one JSON argument; `${args_json_file}` the path of a file holding it.
 * - `${num_gpus}` the GPUs the run's slot gives it (`torchrun --nproc_per_node=${num_gpus}`); 0 on a CPU slot.
 * - `${envvar:NAME}` the variable's value; an unset variable is an error (W&B silently passes the name).
 * - `${name}` or `${a.b}` inside any element: that parameter's value (`--lr=${lr}`).
 *
 * Values as W&B's agent formats them (Python `str`): strings as they are, booleans `True`/`False`,
 * null `None`, numbers in their shortest form (a float W&B passes as one `1.0`: ctx.floats);
 * lists and objects as JSON text. Nested parameters become dotted flags
 * (`--optimizer.lr=0.001`); `${args_json}` keeps them nested. The formatting is
 * web/shared/config-args.js, shared with `hypersweep best` and the dashboard. Each value is
 * exactly one argv element, whatever it contains: there is never a shell.
 */
import type { Config, ParamValue } from '../src/config/types.js';
import { HypersweepError } from '../src/errors.js';
import { valueAtPath } from '../src/space/flatten-space.js';
import { configJson, configLeaves, formatValue, isFloatPath } from 'hypersweep/web/shared/config-args.js';

/** W&B's default command. */
export const DEFAULT_COMMAND: readonly string[] = ['${env}', '${interpreter}', '${program}', '${args}'];

export interface CommandContext {
  config: Config;
  /** The sweep's `program`; required only when the template uses `${program}`. */
  program?: string;
  /** What `${interpreter}` becomes, e.g. `python3`. */
  interpreter: string;
  /** Path of the JSON file with the config (`${args_json_file}`). */
  paramsFile: string;
  /** Variables `${envvar:NAME}` reads. */
  env: Readonly<Record<string, string | undefined>>;
  /** GPUs of the run's slot (`${num_gpus}`). @defaultValue 0 */
  numGpus?: number;
  /** `process.platform`; `${env}` is dropped on win32. @defaultValue process.platform */
  platform?: NodeJS.Platform;
  /** Paths of the config's integral numbers W&B passes as floats (src/space/float-paths.ts). @defaultValue [] */
  floats?: readonly string[][];
}

/** A command that cannot be built; the attempt ends with outcome `error` and this message. */
export class CommandError extends HypersweepError {
  constructor(message: string) {
    super('COMMAND_INVALID', message);
    this.name = 'CommandError';
  }
}

const MACRO = /\$\{([^}]*)\}/g;

/** A leaf of a config: its dotted name, its value, and whether W&B passes it as a float. */
type Leaf = [name: string, value: ParamValue, float: boolean];

/** Leaves of a config in order; a nested object becomes dotted names (an empty object stays a leaf). */
export function flattenConfig(config: Config): Array<[name: string, value: ParamValue]> {
  return configLeaves(config).map(([name, value]) => [name, value]);
}

/** A value in Hydra's override grammar: quoted when it would otherwise parse as something else. */
export function formatHydraValue(value: ParamValue, float = false): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (typeof value === 'number') return formatValue(value, float);
  if (typeof value !== 'string') return JSON.stringify(value);
  const plain = /^[A-Za-z_][\w./-]*$/.test(value) && !/^(true|false|null|nan|inf)$/i.test(value);
  return plain ? value : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The multi-element macros: they must be a template element of their own. */
function listMacro(name: string, leaves: Leaf[]): string[] | undefined {
  switch (name) {
    case 'args':
      return leaves.map(([k, v, f]) => `--${k}=${formatValue(v, f)}`);
    case 'args_no_hyphens':
      return leaves.map(([k, v, f]) => `${k}=${formatValue(v, f)}`);
    case 'args_no_boolean_flags':
      return leaves.flatMap(([k, v, f]) => (typeof v === 'boolean' ? (v ? [`--${k}`] : []) : [`--${k}=${formatValue(v, f)}`]));
    case 'args_no_equals':
      return leaves.flatMap(([k, v, f]) => [`--${k}`, formatValue(v, f)]);
    case 'args_append_hydra':
      return leaves.map(([k, v, f]) => `+${k}=${formatHydraValue(v, f)}`);
    case 'args_override_hydra':
      return leaves.map(([k, v, f]) => `++${k}=${formatHydraValue(v, f)}`);
    default:
      return undefined;
  }
}

/** A parameter by name: a top-level key as written (it may hold dots), else a dotted path. */
function lookupParam(config: Config, name: string): { value: ParamValue; path: string[] } | undefined {
  const path = Object.hasOwn(config, name) ? [name] : name.split('.');
  const value = valueAtPath(config, path);
  return value === undefined ? undefined : { value, path };
}

/** A single-valued macro's text, or undefined when `name` is no macro and no parameter. */
function scalarMacro(name: string, ctx: CommandContext, windows: boolean): string | undefined {
  if (name.startsWith('envvar:')) {
    const variable = name.slice('envvar:'.length);
    const value = ctx.env[variable];
    if (value === undefined) throw new CommandError(`unset environment variable ${variable} (command uses \${envvar:${variable}})`);
    return value;
  }
  switch (name) {
    case 'env':
      return windows ? '' : '/usr/bin/env';
    case 'interpreter':
      return ctx.interpreter;
    case 'program':
      if (!ctx.program) throw new CommandError('the command uses ${program} but the sweep has no program');
      return ctx.program;
    case 'args_json':
      return configJson(ctx.config, ctx.floats);
    case 'args_json_file':
      return ctx.paramsFile;
    case 'num_gpus':
      return String(ctx.numGpus ?? 0);
  }
  const param = lookupParam(ctx.config, name);
  return param === undefined ? undefined : formatValue(param.value, isFloatPath(ctx.floats, param.path));
}

/** The argv for one attempt. Throws CommandError for an unknown macro, an unset envvar, an empty command. */
export function expandCommand(template: readonly string[] | undefined, ctx: CommandContext): string[] {
  const windows = (ctx.platform ?? process.platform) === 'win32';
  const leaves: Leaf[] = configLeaves(ctx.config).map(([name, value, path]) => [name, value, isFloatPath(ctx.floats, path)]);
  const argv: string[] = [];
  for (const element of template && template.length > 0 ? template : DEFAULT_COMMAND) {
    const whole = /^\$\{([^}]*)\}$/.exec(element);
    if (whole) {
      const name = whole[1]!;
      const list = listMacro(name, leaves);
      if (list) {
        argv.push(...list);
        continue;
      }
      if (name === 'env' && windows) continue;
    }
    argv.push(
      element.replace(MACRO, (_match, name: string) => {
        if (listMacro(name, []) !== undefined) throw new CommandError(`\${${name}} expands to several arguments: make it an element of its own in the command (in "${element}")`);
        const text = scalarMacro(name, ctx, windows);
        if (text === undefined) throw new CommandError(`unknown macro \${${name}} in "${element}": not a macro and not a parameter of this run`);
        return text;
      }),
    );
  }
  if (argv.length === 0 || argv[0] === '') throw new CommandError('the command is empty');
  return argv;
}
