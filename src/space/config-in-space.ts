/**
 * Does a config lie inside a sweep's space? Same parameter names (the active ones, `when:`
 * considered) and each value within its bounds or among its values. The answer names the first
 * parameter that does not fit, for a 400 (`hypersweep enqueue`) or to leave out a prior run.
 * Pure.
 */
import type { Config, ParamValue, ParameterSpace } from '../config/types.js';
import { activityIn } from './conditional-space.js';
import { canonicalJson } from './config-hash.js';
import { flattenSpace, valueAtPath, type LeafSpec } from './flatten-space.js';

/** Relative slack on bounds, so a value printed and read back (or exp(log(x))) still fits. */
const EPS = 1e-9;

function within(v: number, min: number, max: number): boolean {
  const slack = EPS * Math.max(1, Math.abs(min), Math.abs(max));
  return v >= min - slack && v <= max + slack;
}

/** Why `value` does not fit `spec`, or undefined when it does. */
function misfit(spec: LeafSpec, value: ParamValue): string | undefined {
  switch (spec.distribution) {
    case 'constant':
      return canonicalJson(value) === canonicalJson(spec.value) ? undefined : `must be ${JSON.stringify(spec.value)}`;
    case 'categorical': {
      const c = canonicalJson(value);
      return spec.values.some((v) => canonicalJson(v) === c) ? undefined : `must be one of ${JSON.stringify(spec.values)}`;
    }
    default:
      break;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  switch (spec.distribution) {
    case 'int_uniform':
      return Number.isInteger(value) && within(value, spec.min, spec.max) ? undefined : `must be an integer from ${spec.min} to ${spec.max}`;
    case 'uniform':
    case 'q_uniform':
    case 'log_uniform_values':
    case 'q_log_uniform_values':
    case 'inv_log_uniform_values':
      return within(value, spec.min, spec.max) ? undefined : `must be from ${spec.min} to ${spec.max}`;
    case 'log_uniform':
    case 'q_log_uniform':
      return value > 0 && within(Math.log(value), spec.min, spec.max) ? undefined : `must be from e^${spec.min} to e^${spec.max}`;
    case 'inv_log_uniform':
      return value > 0 && within(-Math.log(value), spec.min, spec.max) ? undefined : `must be from e^-${spec.max} to e^-${spec.min}`;
    case 'log_normal':
    case 'q_log_normal':
      return value > 0 ? undefined : 'must be positive';
    case 'beta':
    case 'q_beta':
      return within(value, 0, 1) ? undefined : 'must be from 0 to 1';
    default:
      return undefined; // normal, q_normal: any finite number
  }
}

/** Dotted paths of every leaf value in a config (objects walked, arrays kept whole). */
function configPaths(config: Config, prefix: string[] = [], out: string[][] = []): string[][] {
  for (const [k, v] of Object.entries(config)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) configPaths(v, [...prefix, k], out);
    else out.push([...prefix, k]);
  }
  return out;
}

/** `parameter optimizer.lr: 0.5 must be from 0.0001 to 0.1`, or undefined when the config lies in the space. */
export function configOutsideSpace(space: ParameterSpace, config: Config): string | undefined {
  const active = activityIn(space, config);
  const leaves = flattenSpace(space);
  const known = new Set(leaves.map((l) => l.path.join('.')));
  for (const path of configPaths(config)) {
    if (!known.has(path.join('.'))) return `parameter ${path.join('.')} is not in the sweep's space`;
  }
  for (const leaf of leaves) {
    const name = leaf.path.join('.');
    const value = valueAtPath(config, leaf.path);
    if (!active(leaf.path)) {
      if (value !== undefined) return `parameter ${name} is inactive in this config (its when: is not met)`;
      continue;
    }
    if (value === undefined) return `parameter ${name} is missing`;
    const why = misfit(leaf.spec, value);
    if (why) return `parameter ${name}: ${JSON.stringify(value)} ${why}`;
  }
  return undefined;
}

/** `parameter y: default 5 must be from 0 to 1` for the first `default:` outside its own parameter's range or values; undefined when all fit. */
export function defaultOutsideSpace(space: ParameterSpace): string | undefined {
  for (const leaf of flattenSpace(space)) {
    if (leaf.spec.default === undefined) continue;
    const why = misfit(leaf.spec, leaf.spec.default);
    if (why) return `parameter ${leaf.path.join('.')}: default ${JSON.stringify(leaf.spec.default)} ${why}`;
  }
  return undefined;
}
