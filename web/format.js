/** Numbers, times and configs as people read them; configs as YAML and as CLI args. */
import { configLeaves, pastableArgs } from './shared/config-args.js';
import { formatNumber } from './shared/number-format.js';

/** A number for a table: integers as they are, 4 significant digits, exponent form below 1e-3 and from 1e6. */
export function fmtNum(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value !== 'number') return String(value);
  return formatNumber(value, { digits: 4, exponentBelow: 1e-3, exponentFrom: 1e6, exponentDigits: 2, integers: true });
}

/** 45s, 12m, 3h, 5d — how long ago `ms` was. */
export function fmtAge(ms, now = Date.now()) {
  if (!ms) return '—';
  return `${fmtSpan(Math.max(0, now - ms))} ago`;
}

export function fmtSpan(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return `${hours}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** A run's duration in ms: ended − started, or now − started while it runs; null before it starts. */
export function runDurationMs(run, now = Date.now()) {
  if (!run.startedAt) return null;
  return (run.endedAt || now) - run.startedAt;
}

export function fmtTime(ms) {
  if (!ms) return '—';
  return new Date(ms).toLocaleString();
}

function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{a: {b: 1}, c: 2}` → `{'a.b': 1, c: 2}` (arrays are values; an empty object stays a leaf, as the agent passes it). */
export function flattenConfig(config) {
  return Object.fromEntries(configLeaves(config).map(([name, value]) => [name, value]));
}

const LOG_DISTRIBUTIONS = new Set(['log_uniform', 'log_uniform_values', 'q_log_uniform', 'q_log_uniform_values', 'inv_log_uniform', 'inv_log_uniform_values', 'log_normal', 'q_log_normal']);

/**
 * The searched parameters of a sweep config (constants left out), dotted for nested ones:
 * `[{ name, kind: 'number'|'category', log, values? }]`.
 */
export function searchedParameters(parameters, prefix = '', out = []) {
  for (const [key, spec] of Object.entries(parameters ?? {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (!spec || typeof spec !== 'object') continue;
    if (spec.distribution === 'nested') searchedParameters(spec.parameters, name, out);
    else if (spec.distribution === 'constant') continue;
    else if (spec.distribution === 'categorical') {
      const values = spec.values ?? [];
      if (values.length > 1) out.push({ name, kind: 'category', log: false, values });
    } else out.push({ name, kind: 'number', log: LOG_DISTRIBUTIONS.has(spec.distribution) });
  }
  return out;
}

/** Parameters seen in run configs when the sweep config is unknown: the keys whose values vary. */
export function parametersFromRuns(runs) {
  const seen = new Map();
  for (const run of runs) {
    for (const [name, value] of Object.entries(flattenConfig(run.config))) {
      if (!seen.has(name)) seen.set(name, new Set());
      const set = seen.get(name);
      if (set.size < 50) set.add(typeof value === 'object' ? JSON.stringify(value) : value);
    }
  }
  const out = [];
  for (const [name, set] of seen) {
    if (set.size < 2) continue;
    const numeric = [...set].every((v) => typeof v === 'number');
    out.push(numeric ? { name, kind: 'number', log: false } : { name, kind: 'category', log: false, values: [...set] });
  }
  return out;
}

/** A category label for a parameter value. */
export function valueLabel(value) {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

const YAML_PLAIN = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;
const YAML_RESERVED = /^(true|false|yes|no|on|off|null|y|n|~)$/i;

function yamlScalar(value) {
  if (typeof value === 'string') return YAML_PLAIN.test(value) && !YAML_RESERVED.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? '.inf' : value < 0 ? '-.inf' : '.nan';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  // Arrays and objects inside arrays: JSON is valid YAML flow style.
  return JSON.stringify(value);
}

/** A config as block YAML (nested parameters as nested maps). */
export function configYaml(config, indent = '') {
  const lines = [];
  for (const [key, value] of Object.entries(config ?? {})) {
    const k = yamlScalar(key);
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      lines.push(`${indent}${k}:`);
      lines.push(configYaml(value, `${indent}  `));
    } else lines.push(`${indent}${k}: ${yamlScalar(value)}`);
  }
  return lines.filter((l) => l !== '').join('\n');
}

/**
 * A config as the command-line args a run received through `${args}`: `--lr=0.01 --model.depth=4`
 * (nested parameters dotted), shell-quoted where needed so the line can be pasted into a shell.
 */
export function configArgs(config) {
  return pastableArgs(config).join(' ');
}

export const STATE_ORDER = ['running', 'pending', 'finished', 'stopped', 'failed', 'crashed', 'canceled'];
