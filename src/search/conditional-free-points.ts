/**
 * The configs of a finite conditional space that no run has, for random search's fallback
 * (random.ts): the valid configs (conditional-grid.ts, with every value sampling can produce),
 * or undefined when a parameter is continuous or there are more than `limit` of them.
 */
import type { Config, ParamValue, ParameterSpace } from '../config/types.js';
import { conditionalGridPoints, conditionalGridSize } from '../space/conditional-grid.js';
import { listedValues } from '../space/finite-values.js';
import { finiteSpaceSize } from '../space/grid-size.js';
import { flattenSpace, type SpaceLeaf } from '../space/flatten-space.js';
import { pointKey } from '../space/point-key.js';

export function conditionalFreePoints(
  space: ParameterSpace,
  leaves: readonly SpaceLeaf[],
  seen: ReadonlySet<string>,
  limit: number,
): Array<{ config: Config; key: string }> | undefined {
  const size = finiteSpaceSize(space); // counted first: nothing is listed for a space too large to list
  if (size === undefined || size > BigInt(limit)) return undefined;
  const axes = new Map<string, ParamValue[]>();
  for (const leaf of flattenSpace(space)) {
    const values = listedValues(leaf.spec);
    if (!values) return undefined;
    axes.set(leaf.path.join('.'), values);
  }
  const axis = (leaf: SpaceLeaf): ParamValue[] => axes.get(leaf.path.join('.')) ?? [];
  try {
    if (conditionalGridSize(space, axis) > BigInt(limit)) return undefined;
  } catch {
    return undefined; // too many branches to count
  }
  const free: Array<{ config: Config; key: string }> = [];
  for (const config of conditionalGridPoints(space, axis)) {
    const key = pointKey(config, leaves);
    if (!seen.has(key)) free.push({ config, key });
  }
  return free;
}
