/**
 * The finite support of a parameter: every value sampling can produce, or undefined for a
 * continuous one. Random search lists the free points of a finite space with it, and
 * nothing-new.ts counts whether a space is used up. (A grid's axes are grid-values.ts.)
 */
import type { ParamValue } from '../config/types.js';
import type { LeafSpec } from './flatten-space.js';
import { finiteAxis, listAxis } from './grid-size.js';

export { MAX_VALUES_PER_PARAMETER } from './grid-size.js';

/**
 * Categorical: its values (probabilities ignored). Constant: its value. int_uniform: min..max.
 * q_uniform, q_log_uniform(_values), q_beta: the multiples of q inside the bounds, ascending —
 * exactly the values sampling can produce. Every other distribution is continuous or
 * unbounded: undefined. (Counted without listing: grid-size.ts finiteAxis.)
 * @throws HypersweepError (CONFIG_INVALID) when a parameter would expand to more than MAX_VALUES_PER_PARAMETER values.
 */
export function finiteValues(spec: LeafSpec): ParamValue[] | undefined {
  const axis = finiteAxis(spec);
  return axis && listAxis(axis);
}

/** finiteValues, or undefined when there are too many to list (as good as infinite to a caller that enumerates). */
export function listedValues(spec: LeafSpec): ParamValue[] | undefined {
  try {
    return finiteValues(spec);
  } catch {
    return undefined;
  }
}
