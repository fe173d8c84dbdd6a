/**
 * The values a parameter takes in a grid: the finite support of its distribution, or
 * undefined for a continuous one.
 */
import type { ParamValue } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import type { LeafSpec } from './flatten-space.js';
import { multipleOf, multiplesRange } from './quantize.js';

/** Most values one parameter may expand to; a finer q is a mistake, not a grid. */
export const MAX_GRID_VALUES_PER_PARAMETER = 1_000_000;

/**
 * Categorical: its values (probabilities ignored). Constant: its value. int_uniform: min..max.
 * q_uniform, q_log_uniform(_values), q_beta: the multiples of q inside the bounds, ascending —
 * exactly the values sampling can produce (W&B's grid uses `arange(min, max, q)`, which drops
 * max and, for a min that is not a multiple of q, yields values sampling never gives).
 * Every other distribution is continuous or unbounded: undefined.
 * @throws HypersweepError (CONFIG_INVALID) when a parameter would expand to more than MAX_GRID_VALUES_PER_PARAMETER values.
 */
export function gridValues(spec: LeafSpec): ParamValue[] | undefined {
  switch (spec.distribution) {
    case 'constant':
      return [spec.value];
    case 'categorical':
      return [...spec.values];
    case 'int_uniform':
      return integerRange(Math.ceil(spec.min), Math.floor(spec.max), (k) => k);
    case 'q_uniform':
    case 'q_log_uniform_values':
      return qValues(spec.min, spec.max, spec.q);
    case 'q_log_uniform':
      return qValues(Math.exp(spec.min), Math.exp(spec.max), spec.q);
    case 'q_beta':
      return qValues(0, 1, spec.q);
    default:
      return undefined;
  }
}

function qValues(min: number, max: number, q: number): number[] {
  const { lo, hi } = multiplesRange(min, max, q);
  return integerRange(lo, hi, (k) => multipleOf(k, q));
}

function integerRange(lo: number, hi: number, value: (k: number) => number): number[] {
  const count = hi - lo + 1;
  if (count > MAX_GRID_VALUES_PER_PARAMETER) {
    throw new HypersweepError('CONFIG_INVALID', `expands to ${count} grid values (most ${MAX_GRID_VALUES_PER_PARAMETER}); use a larger q or fewer values`);
  }
  const out: number[] = [];
  for (let k = lo; k <= hi; k++) out.push(value(k));
  return out;
}
