/**
 * The finite support of a parameter: every value sampling can produce, or undefined for a
 * continuous one. Random search lists the free points of a finite space with it, and
 * nothing-new.ts counts whether a space is used up. (A grid's axes are grid-values.ts.)
 */
import type { ParamValue } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import type { LeafSpec } from './flatten-space.js';
import { multipleOf, multiplesRange } from './quantize.js';

/** Most values one parameter may expand to; a finer q is a mistake, not a grid. */
export const MAX_VALUES_PER_PARAMETER = 1_000_000;

/**
 * Categorical: its values (probabilities ignored). Constant: its value. int_uniform: min..max.
 * q_uniform, q_log_uniform(_values), q_beta: the multiples of q inside the bounds, ascending —
 * exactly the values sampling can produce. Every other distribution is continuous or
 * unbounded: undefined.
 * @throws HypersweepError (CONFIG_INVALID) when a parameter would expand to more than MAX_VALUES_PER_PARAMETER values.
 */
export function finiteValues(spec: LeafSpec): ParamValue[] | undefined {
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

/** finiteValues, or undefined when there are too many to list (as good as infinite to a caller that enumerates). */
export function listedValues(spec: LeafSpec): ParamValue[] | undefined {
  try {
    return finiteValues(spec);
  } catch {
    return undefined;
  }
}

function qValues(min: number, max: number, q: number): number[] {
  const { lo, hi } = multiplesRange(min, max, q);
  return integerRange(lo, hi, (k) => multipleOf(k, q));
}

/** `value(k)` for k = lo..hi. @throws HypersweepError when that is more than MAX_VALUES_PER_PARAMETER values. */
export function integerRange(lo: number, hi: number, value: (k: number) => number): number[] {
  const count = hi - lo + 1;
  if (count > MAX_VALUES_PER_PARAMETER) {
    throw new HypersweepError('CONFIG_INVALID', `expands to ${count} grid values (most ${MAX_VALUES_PER_PARAMETER}); use a larger q or fewer values`);
  }
  const out: number[] = [];
  for (let k = lo; k <= hi; k++) out.push(value(k));
  return out;
}
