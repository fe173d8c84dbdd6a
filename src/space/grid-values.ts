/**
 * The values a parameter takes in a grid (one axis of the grid): its finite support
 * (finite-values.ts), except `q_uniform`, which follows W&B's grid_search.py:
 * `np.arange(min, max, q)`, i.e. min, min+q, min+2q, … strictly below max — max itself is not
 * a point, and a min that is not a multiple of q gives points sampling never gives. The float
 * noise of `min + k·q` is removed (15 significant digits), as quantize.ts does for sampling.
 * Continuous distributions: undefined.
 */
import type { ParamValue } from '../config/types.js';
import type { LeafSpec } from './flatten-space.js';
import { gridAxis, listAxis } from './grid-size.js';

/** @throws HypersweepError (CONFIG_INVALID) when a parameter would expand to too many values. (Counted without listing: grid-size.ts gridAxis.) */
export function gridValues(spec: LeafSpec): ParamValue[] | undefined {
  const axis = gridAxis(spec);
  return axis && listAxis(axis);
}
