/**
 * Where a run's config holds a float that JSON shows as an integer: W&B hands scripts a Python
 * float (`--lr=1.0`, `1.0` in wandb.config) where the sweep file wrote `1.0` or where the
 * distribution gives floats, while a JS number 1 prints `1`. These paths let every writer of a
 * config (argv, params files) print `1.0` there. Non-integral numbers need no mark.
 */
import type { Config, FloatMark, SweepConfig } from '../config/types.js';
import { flattenSpace, valueAtPath } from './flatten-space.js';

/** Distributions whose values W&B returns as floats whatever the sweep file wrote. */
const FLOAT_DISTRIBUTIONS: ReadonlySet<string> = new Set([
  'uniform',
  'log_uniform',
  'log_uniform_values',
  'inv_log_uniform',
  'inv_log_uniform_values',
  'normal',
  'log_normal',
  'beta',
]);

/** The paths (names from the top) of `config`'s integral numbers that are floats in W&B. */
export function floatPaths(sweep: Pick<SweepConfig, 'parameters' | 'floats'>, config: Config): string[][] {
  const marks = new Map<string, FloatMark>((sweep.floats ?? []).map((m) => [JSON.stringify(m.path), m]));
  const out: string[][] = [];
  for (const leaf of flattenSpace(sweep.parameters)) {
    const value = valueAtPath(config, leaf.path);
    if (typeof value !== 'number' || !Number.isInteger(value)) continue;
    const mark = marks.get(JSON.stringify(leaf.path));
    if (FLOAT_DISTRIBUTIONS.has(leaf.spec.distribution) || (mark && (!mark.values || mark.values.includes(value)))) out.push(leaf.path);
  }
  return out;
}
