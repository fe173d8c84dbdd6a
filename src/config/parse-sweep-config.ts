/**
 * Reads a sweep file (W&B's sweep YAML, unchanged, or the same as JSON) into a SweepConfig:
 * every default filled, every inferred distribution explicit, every problem reported at once
 * with file:line:col, the dotted path, the rule and the value received.
 */
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { FloatMark, SweepConfig } from './types.js';
import { didYouMean } from './did-you-mean.js';
import { NodeReader, type Entry } from './node-reader.js';
import { parseEarlyTerminate } from './parse-early-terminate.js';
import { DEFAULT_EXECUTION, parseExecution } from './parse-execution.js';
import { parseMetric } from './parse-metric.js';
import { parseMetrics } from './parse-metrics.js';
import { parseParameters } from './parse-parameters.js';
import { parseWhen } from './parse-when.js';
import { parseSweepSource } from './sweep-source.js';

export const METHODS = ['grid', 'random', 'bayes'] as const;

/** Top-level keys with a SweepConfig field of their own. */
const OWN_KEYS = [
  'method',
  'metric',
  'metrics',
  'parameters',
  'early_terminate',
  'run_cap',
  'command',
  'program',
  'name',
  'description',
  'project',
  'entity',
  'hypersweep',
] as const;

/** Other top-level keys W&B's schema knows: accepted and kept in `extra` as given. */
const WANDB_EXTRA_KEYS = ['apiVersion', 'kind', 'controller', 'job', 'image_uri', 'imageUri', 'scheduler'] as const;

const TOP_LEVEL_KEYS: readonly string[] = [...OWN_KEYS, ...WANDB_EXTRA_KEYS];

export interface CheckSweepOptions {
  /** Shown in messages (`sweeps/x.yaml:9:10 ...`); a `.json` name makes the text strict JSON. */
  file?: string;
}

export interface ParseSweepOptions extends CheckSweepOptions {
  /** Called once per warning (deprecated but working forms). By default warnings are dropped. */
  onWarning?: (warning: ConfigIssue) => void;
}

export interface SweepCheck {
  /** Present only when there are no errors. */
  config?: SweepConfig;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/** Parses and validates; throws ConfigError listing every problem. */
export function parseSweepConfig(source: string, options: ParseSweepOptions = {}): SweepConfig {
  const { config, errors, warnings } = checkSweepConfig(source, options);
  for (const w of warnings) options.onWarning?.(w);
  if (!config) throw new ConfigError(options.file ?? '<sweep>', errors);
  return config;
}

/** Parses and validates; never throws. */
export function checkSweepConfig(source: string, options: CheckSweepOptions = {}): SweepCheck {
  const { doc, sink, parsed } = parseSweepSource(source, options.file);
  const result = (config?: SweepConfig): SweepCheck => ({
    ...(config && sink.errors.length === 0 ? { config } : {}),
    errors: sortIssues(sink.errors),
    warnings: sortIssues(sink.warnings),
  });
  if (!parsed) return result();
  const r = new NodeReader(doc, sink);
  const root = { node: doc.contents, at: doc.contents ?? { range: [0, 0, 0] as const }, path: '' };
  if (doc.contents === null || r.resolve(doc.contents) === null) {
    sink.error(0, '', 'the sweep file is empty; it needs at least method and parameters');
    return result();
  }
  const entries = r.entries(root, 'a sweep file');
  if (!entries) return result();
  const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);

  for (const e of entries) {
    if (TOP_LEVEL_KEYS.includes(e.key)) continue;
    sink.error(e.keyNode, e.path, `unknown top-level key "${e.key}" (W&B allows no others)${didYouMean(e.key, TOP_LEVEL_KEYS)}`);
  }

  const methodE = get('method');
  if (!methodE) sink.error(root.at, '', 'method is required (grid, random or bayes), but got none');
  const method = methodE ? readMethod(r, methodE) : undefined;

  const parametersE = get('parameters');
  if (!parametersE) sink.error(root.at, '', 'parameters is required (at least one parameter), but got none');
  const floats: FloatMark[] = [];
  const parameters = parametersE ? parseParameters(r, parametersE, method, floats) : undefined;
  if (parametersE && parameters) parseWhen(r, parametersE, parameters);

  const metricE = get('metric');
  const metricsE = get('metrics');
  if (metricE && metricsE) {
    sink.error(metricsE.keyNode, metricsE.path, 'metric and metrics exclude each other (W&B rule): use metric for one objective, metrics for several');
  }
  const metric = metricE ? parseMetric(r, metricE) : undefined;
  const metrics = metricsE && !metricE ? parseMetrics(r, metricsE) : undefined;
  if (method === 'bayes' && !metricE && !metricsE) {
    sink.error(methodE!.at, methodE!.path, 'bayes search needs a metric to model, but got no metric block; add metric: {name: ..., goal: ...}');
  }

  const earlyE = get('early_terminate');
  const early = earlyE ? parseEarlyTerminate(r, earlyE) : undefined;
  if (earlyE && !metricE && !metricsE) {
    sink.error(earlyE.keyNode, earlyE.path, 'early_terminate needs a metric to compare runs by, but got no metric block');
  }
  if (earlyE && metrics) {
    sink.warn(earlyE.keyNode, earlyE.path, `early_terminate with metrics judges runs by the first metric only (${metrics[0]!.name})`);
  }

  const config: SweepConfig = {
    method: method ?? 'random',
    parameters: parameters ?? {},
    execution: { ...DEFAULT_EXECUTION },
    extra: {},
  };
  if (floats.length > 0) config.floats = floats;
  if (metric) config.metric = metric;
  if (metrics) {
    config.metric = metrics[0]!;
    config.metrics = metrics;
  }
  if (early) config.early_terminate = early;

  readRunSettings(r, get, config);
  readExtra(r, entries, config.extra);
  return result(config);
}

/** `method:`; W&B's `custom` (an external Optuna/Ax scheduler, how W&B runs `metrics:`) is read as bayes, with a warning. */
function readMethod(r: NodeReader, methodE: Entry): SweepConfig['method'] | undefined {
  if (r.isScalar(methodE) && r.plain(methodE) === 'custom') {
    r.sink.warn(methodE.at, methodE.path, 'method custom (an external scheduler in W&B) is read as bayes: hypersweep searches several metrics itself');
    return 'bayes';
  }
  return r.oneOf(methodE, METHODS, 'method');
}

/** run_cap, command, program and the other strings, and the `hypersweep:` block, into `config`. */
function readRunSettings(r: NodeReader, get: (key: string) => Entry | undefined, config: SweepConfig): void {
  const runCapE = get('run_cap');
  if (runCapE) {
    const n = r.integer(runCapE, 'run_cap');
    if (n !== undefined && n < 1) r.sink.error(runCapE.at, runCapE.path, `run_cap must be >= 1, but got ${r.describe(runCapE)}`);
    else if (n !== undefined) config.run_cap = n;
  }

  const commandE = get('command');
  if (commandE) {
    const command = readCommand(r, commandE);
    if (command) config.command = command;
  }

  for (const key of ['program', 'name', 'description', 'project', 'entity'] as const) {
    const e = get(key);
    if (!e) continue;
    const s = r.string(e, key);
    if (s !== undefined) config[key] = s;
  }

  const executionE = get('hypersweep');
  if (executionE) {
    const execution = parseExecution(r, executionE);
    if (execution) config.execution = execution;
  }
}

/** The argv template: strings, with numbers and booleans taken as written (`1e-3`, `true`). */
function readCommand(r: NodeReader, e: Entry): string[] | undefined {
  const items = r.items(e, 'command');
  if (!items) return undefined;
  if (items.length === 0) {
    r.sink.error(e.at, e.path, 'command must list at least the program to run, but got an empty list');
    return undefined;
  }
  const out: string[] = [];
  for (const item of items) {
    const v = r.plain(item);
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out.push(r.describe(item));
    else {
      r.sink.error(item.at, item.path, `each command element must be a string, but got ${r.describe(item)}`);
      return undefined;
    }
  }
  return out;
}

/** W&B's other top-level keys, checked as W&B's schema does and kept as given. */
function readExtra(r: NodeReader, entries: Entry[], extra: Record<string, unknown>): void {
  for (const e of entries) {
    if (!(WANDB_EXTRA_KEYS as readonly string[]).includes(e.key)) continue;
    switch (e.key) {
      case 'apiVersion':
      case 'job':
      case 'image_uri':
      case 'imageUri':
        if (r.string(e, e.key) === undefined) continue;
        break;
      case 'kind':
        if (r.oneOf(e, ['sweep'] as const, 'kind') === undefined) continue;
        break;
      case 'controller': {
        const c = r.entries(e, 'controller');
        if (!c) continue;
        const type = c.find((x) => x.key === 'type');
        if (!type) {
          r.sink.error(e.keyNode, e.path, 'controller needs type (local or cloud), but got none');
          continue;
        }
        if (r.oneOf(type, ['local', 'cloud'] as const, 'type') === undefined) continue;
        break;
      }
      case 'scheduler': {
        const s = r.entries(e, 'scheduler');
        if (!s) continue;
        if (!s.some((x) => x.key === 'engine') && s.some((x) => LAUNCH_SCHEDULER_KEYS.includes(x.key))) {
          if (!readLaunchScheduler(r, e, s)) continue;
          break;
        }
        r.rejectUnknownKeys(s, ['engine', 'source', 'optimizer', 'search_space'], 'scheduler');
        const engine = s.find((x) => x.key === 'engine');
        if (!engine) {
          r.sink.error(e.keyNode, e.path, 'scheduler needs engine, but got none');
          continue;
        }
        const name = r.oneOf(engine, ['wandb', 'optuna', 'ax'] as const, 'engine');
        const custom = entries.some((x) => x.key === 'method' && r.isScalar(x) && r.plain(x) === 'custom');
        if (name && name !== 'wandb' && !custom) {
          r.sink.error(engine.at, engine.path, `scheduler engine ${name} needs method: custom (W&B rule); hypersweep reads method: custom as its own bayes search`);
          continue;
        }
        if (name && name !== 'wandb') r.sink.warn(engine.at, engine.path, `scheduler engine ${name} is not run: hypersweep's bayes search proposes the configs (kept as given)`);
        if (entries.some((x) => x.key === 'early_terminate')) {
          r.sink.error(e.keyNode, e.path, 'scheduler cannot be used together with early_terminate (W&B rule); remove one of them');
          continue;
        }
        break;
      }
    }
    extra[e.key] = r.plain(e);
  }
}

/** The keys of W&B Launch's `scheduler:` block (`wandb launch-sweep`: the scheduler job and where it runs). */
const LAUNCH_SCHEDULER_KEYS: readonly string[] = ['job', 'image_uri', 'docker_image', 'resource', 'resource_args', 'num_workers', 'settings'];

/**
 * W&B Launch's scheduler block, read as `wandb launch-sweep` reads it (job, image_uri,
 * docker_image and resource are strings; resource_args and settings mappings; num_workers a
 * whole number, W&B also taking its digits as a string) and answered with one warning: a
 * Launch scheduler does not run here. False when the block is malformed (errors reported).
 */
function readLaunchScheduler(r: NodeReader, block: Entry, entries: Entry[]): boolean {
  const before = r.sink.errors.length;
  r.rejectUnknownKeys(entries, LAUNCH_SCHEDULER_KEYS, 'a W&B Launch scheduler block');
  for (const x of entries) {
    if (['job', 'image_uri', 'docker_image', 'resource'].includes(x.key)) r.string(x, `scheduler.${x.key}`);
    else if (x.key === 'resource_args' || x.key === 'settings') r.entries(x, `scheduler.${x.key}`);
    else if (x.key === 'num_workers') {
      const v = r.plain(x);
      if (!(typeof v === 'string' ? /^\d+$/.test(v) : Number.isSafeInteger(v) && (v as number) >= 0)) {
        r.sink.error(x.at, x.path, `scheduler.num_workers must be a whole number, but got ${r.describe(x)}`);
      }
    }
  }
  if (r.sink.errors.length > before) return false;
  r.sink.warn(
    block.keyNode,
    block.path,
    'a W&B Launch scheduler (job, resource, num_workers, settings) does not run here: the hypersweep controller proposes the runs and `hypersweep agent` runs them wherever you start it; the block is kept as given and ignored',
  );
  return true;
}

function sortIssues(issues: ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
