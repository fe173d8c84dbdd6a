/**
 * The grid of a space with conditional parameters (`when:`): exactly the valid configs, each
 * once — the sum over branches of the product of the parameters active in that branch.
 *
 * Order: leaves in file order, except that a leaf comes after every parameter its existence
 * depends on (so for conditions that name earlier parameters this is file order); the last
 * leaf varies fastest, an inactive leaf contributes no key. Counting walks only the branches
 * (assignments of the parameters `when` names), never the points.
 */
import type { Config, ParamValue, ParameterSpace } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import { canonicalJson } from './config-hash.js';
import { configFromLeaves, flattenSpace, type SpaceLeaf } from './flatten-space.js';
import { controllingParameters, dependenciesOf, pruneInactive } from './conditional-space.js';
import type { GridAxis } from './grid-axis.js';

/** A leaf's values: listed, or an axis that counts and indexes them without listing (grid-size.ts). */
export type LeafAxis = (leaf: SpaceLeaf) => ParamValue[] | GridAxis;

function asAxis(values: ParamValue[] | GridAxis): GridAxis {
  return Array.isArray(values) ? { count: values.length, at: (k) => values[k] as ParamValue } : values;
}

/** Most branch nodes counting may visit; more conditional combinations than this is a mistake, not a grid. */
export const MAX_GRID_BRANCHES = 1_000_000;

interface GridLeaf {
  leaf: SpaceLeaf;
  /** Index in file order (configFromLeaves' order). */
  fileIndex: number;
  values: GridAxis;
  dotted: string;
  controlling: boolean;
  /** Conditions this leaf's existence needs: the dotted path named and the canonical values allowed. */
  needs: Array<{ dotted: string; values: Set<string> }>;
}

/** The leaves in enumeration order, with their grid values (`axis` gives them; undefined means not enumerable). */
function gridLeaves(space: ParameterSpace, axis: LeafAxis): GridLeaf[] {
  const leaves = flattenSpace(space);
  const controlling = controllingParameters(space);
  const byDotted = new Map<string, GridLeaf>();
  const all = leaves.map((leaf, fileIndex): GridLeaf => {
    const dotted = leaf.path.join('.');
    const g: GridLeaf = { leaf, fileIndex, values: asAxis(axis(leaf)), dotted, controlling: controlling.has(dotted), needs: [] };
    byDotted.set(dotted, g);
    return g;
  });
  for (const g of all) g.needs = conditionsOf(space, g.leaf.path);
  // Stable topological order: repeatedly take the first leaf (file order) whose dependencies are placed.
  const placed = new Set<string>();
  const order: GridLeaf[] = [];
  const left = [...all];
  while (left.length > 0) {
    const i = left.findIndex((g) => g.needs.every((n) => placed.has(n.dotted) || !byDotted.has(n.dotted)));
    const next = left.splice(i < 0 ? 0 : i, 1)[0]!; // i < 0 only for a cycle, which validation rejects
    placed.add(next.dotted);
    order.push(next);
  }
  return order;
}

/** The conditions of a leaf and of every block it sits in, with canonical values. */
function conditionsOf(space: ParameterSpace, path: readonly string[]): Array<{ dotted: string; values: Set<string> }> {
  const out: Array<{ dotted: string; values: Set<string> }> = [];
  const deps = new Set(dependenciesOf(space, path));
  if (deps.size === 0) return out;
  let params: ParameterSpace | undefined = space;
  for (const name of path) {
    const spec: ParameterSpace[string] | undefined = params?.[name];
    if (!spec) break;
    for (const [ref, values] of Object.entries(spec.when ?? {})) out.push({ dotted: ref, values: new Set(values.map((v) => canonicalJson(v))) });
    params = spec.distribution === 'nested' ? spec.parameters : undefined;
  }
  return out;
}

function isActive(g: GridLeaf, assigned: ReadonlyMap<string, string>): boolean {
  return g.needs.every((n) => {
    const v = assigned.get(n.dotted);
    return v !== undefined && n.values.has(v);
  });
}

/** The number of valid configs. @throws HypersweepError (CONFIG_INVALID) past MAX_GRID_BRANCHES branch nodes. */
export function conditionalGridSize(space: ParameterSpace, axis: LeafAxis): bigint {
  const order = gridLeaves(space, axis);
  const assigned = new Map<string, string>();
  let visited = 0;
  const count = (i: number): bigint => {
    if (++visited > MAX_GRID_BRANCHES) {
      throw new HypersweepError('CONFIG_INVALID', `the conditional grid has more than ${MAX_GRID_BRANCHES} branches (combinations of the parameters when names); use fewer values there`);
    }
    if (i === order.length) return 1n;
    const g = order[i]!;
    if (!isActive(g, assigned)) return count(i + 1);
    if (!g.controlling) return BigInt(g.values.count) * count(i + 1);
    let sum = 0n;
    for (let k = 0; k < g.values.count; k++) {
      assigned.set(g.dotted, canonicalJson(g.values.at(k)));
      sum += count(i + 1);
    }
    assigned.delete(g.dotted);
    return sum;
  };
  return count(0);
}

/** The valid configs in grid order, lazily (a caller stops when it has enough). */
export function* conditionalGridPoints(space: ParameterSpace, axis: LeafAxis): Generator<Config> {
  const order = gridLeaves(space, axis);
  const leafCount = order.length;
  const values = new Array<ParamValue>(leafCount).fill(null);
  const assigned = new Map<string, string>();
  function* walk(i: number): Generator<Config> {
    if (i === order.length) {
      yield pruneInactive(space, configFromLeaves(space, values));
      return;
    }
    const g = order[i]!;
    if (!isActive(g, assigned)) {
      values[g.fileIndex] = null; // pruned: never reaches the config
      yield* walk(i + 1);
      return;
    }
    for (let k = 0; k < g.values.count; k++) {
      const v = g.values.at(k);
      values[g.fileIndex] = v;
      assigned.set(g.dotted, canonicalJson(v));
      yield* walk(i + 1);
    }
    assigned.delete(g.dotted);
  }
  yield* walk(0);
}
