/**
 * A grid computed, never materialised: each parameter's axis is a count and a way to get its
 * k-th value, and the grid size is the exact product of the counts (a bigint: at most
 * MAX_PARAMETERS factors of at most a million each, so a few thousand digits at worst). A sweep
 * of 1,000 parameters with a million values each costs 1,000 small objects, not 10^9 values;
 * callers that need a number saturate it (sweepTotal: Number.MAX_SAFE_INTEGER).
 */
import type { ParamValue, ParameterSpace, SweepConfig } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import { conditionalGridSize } from './conditional-grid.js';
import { hasConditions } from './conditional-space.js';
import { flattenSpace, type LeafSpec, type SpaceLeaf } from './flatten-space.js';
import type { GridAxis } from './grid-axis.js';
import { multipleOf, multiplesRange, withoutFloatNoise } from './quantize.js';

/** Most values one parameter may expand to; a finer q is a mistake, not a grid. @defaultValue 1,000,000 */
export const MAX_VALUES_PER_PARAMETER = 1_000_000;

export type { GridAxis } from './grid-axis.js';

/**
 * The finite support of a parameter, by index: categorical values (probabilities ignored), a
 * constant, int_uniform min..max, or the multiples of q inside the bounds for q_uniform,
 * q_log_uniform(_values) and q_beta (exactly the values sampling can produce). Undefined for
 * continuous distributions (finite-values.ts lists it).
 * @throws HypersweepError (CONFIG_INVALID) past MAX_VALUES_PER_PARAMETER values.
 */
export function finiteAxis(spec: LeafSpec): GridAxis | undefined {
  switch (spec.distribution) {
    case 'constant':
      return { count: 1, at: () => spec.value };
    case 'categorical': {
      const values = spec.values;
      return { count: values.length, at: (k) => values[k] as ParamValue };
    }
    case 'int_uniform':
      return integerAxis(Math.ceil(spec.min), Math.floor(spec.max), (k) => k);
    case 'q_uniform':
    case 'q_log_uniform_values':
      return qAxis(spec.min, spec.max, spec.q);
    case 'q_log_uniform':
      return qAxis(Math.exp(spec.min), Math.exp(spec.max), spec.q);
    case 'q_beta':
      return qAxis(0, 1, spec.q);
    default:
      return undefined;
  }
}

/**
 * One axis of a grid (grid-values.ts lists it): the finite support, except q_uniform, which
 * follows W&B's grid_search.py `np.arange(min, max, q)`: min, min+q, ... strictly below max.
 * @throws HypersweepError (CONFIG_INVALID) past MAX_VALUES_PER_PARAMETER values.
 */
export function gridAxis(spec: LeafSpec): GridAxis | undefined {
  if (spec.distribution !== 'q_uniform') return finiteAxis(spec);
  const { min, q } = spec;
  return integerAxis(0, Math.ceil((spec.max - min) / q) - 1, (k) => withoutFloatNoise(min + k * q));
}

/** Every value of an axis, in order. */
export function listAxis(axis: GridAxis): ParamValue[] {
  return Array.from({ length: axis.count }, (_, k) => axis.at(k));
}

function qAxis(min: number, max: number, q: number): GridAxis {
  const { lo, hi } = multiplesRange(min, max, q);
  return integerAxis(lo, hi, (k) => multipleOf(k, q));
}

function integerAxis(lo: number, hi: number, value: (k: number) => number): GridAxis {
  const count = Math.max(0, hi - lo + 1);
  if (!(count <= MAX_VALUES_PER_PARAMETER)) {
    throw new HypersweepError('CONFIG_INVALID', `expands to ${count} grid values (most ${MAX_VALUES_PER_PARAMETER}); use a larger q or fewer values`);
  }
  return { count, at: (k) => value(lo + k) };
}

/** The grid axes of the leaves, each error naming its parameter. @throws HypersweepError (CONFIG_INVALID) */
export function gridAxes(leaves: readonly SpaceLeaf[]): GridAxis[] {
  return leaves.map((leaf) => {
    const where = `parameters.${leaf.path.join('.parameters.')}`;
    let axis: GridAxis | undefined;
    try {
      axis = gridAxis(leaf.spec);
    } catch (err) {
      if (err instanceof HypersweepError) throw new HypersweepError(err.code, `${where}: ${err.message}`);
      throw err;
    }
    if (axis === undefined) {
      throw new HypersweepError(
        'CONFIG_INVALID',
        `${where}: grid search needs discrete parameters (categorical, constant, int_uniform or a q_ distribution with bounds); got ${leaf.spec.distribution}`,
      );
    }
    return axis;
  });
}

/** The product of the axis counts. */
export function gridPointCount(axes: readonly GridAxis[]): bigint {
  let n = 1n;
  for (const axis of axes) n *= BigInt(axis.count);
  return n;
}

/** A parameter's grid values, listed; the error names the parameter. @throws HypersweepError (CONFIG_INVALID) */
export function leafGridValues(leaf: SpaceLeaf): ParamValue[] {
  return listAxis(leafGridAxis(leaf));
}

/** A parameter's grid axis (counted and indexed, not listed); the error names the parameter. @throws HypersweepError (CONFIG_INVALID) */
export function leafGridAxis(leaf: SpaceLeaf): GridAxis {
  return gridAxes([leaf])[0]!;
}

/**
 * How many configs random sampling can produce: the product of the finite supports (or, with
 * conditions, the sum over branches), counted without listing a value; undefined when a
 * parameter is continuous, has too many values, or the branches are too many to count. Callers
 * that would list the space check this first (random's fallback, nothing-new).
 */
export function finiteSpaceSize(space: ParameterSpace): bigint | undefined {
  try {
    const axes = new Map<string, GridAxis>();
    for (const leaf of flattenSpace(space)) {
      const axis = finiteAxis(leaf.spec);
      if (!axis) return undefined;
      axes.set(leaf.path.join('.'), axis);
    }
    if (hasConditions(space)) return conditionalGridSize(space, (leaf) => axes.get(leaf.path.join('.'))!);
    return gridPointCount([...axes.values()]);
  } catch {
    return undefined;
  }
}

/**
 * The number of points in the grid of a sweep: the product of the axis counts, or for a space
 * with conditions the exact sum over its branches. The store's sweep budget (sweepTotal) and grid
 * search both count with it.
 */
export function gridSize(config: Pick<SweepConfig, 'parameters'>): bigint {
  if (hasConditions(config.parameters)) return conditionalGridSize(config.parameters, leafGridAxis);
  return gridPointCount(gridAxes(flattenSpace(config.parameters)));
}
