/** The shape of one parameter's grid values (made in grid-size.ts, walked by conditional-grid.ts). */
import type { ParamValue } from '../config/types.js';

/** One parameter's grid values, by index: `at(0)`, ..., `at(count - 1)`. */
export interface GridAxis {
  count: number;
  at(k: number): ParamValue;
}
