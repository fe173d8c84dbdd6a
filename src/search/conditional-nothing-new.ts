/**
 * nothing-new.ts for a space with conditional parameters: `exhausted` when every parameter has
 * listed values and the runs (inactive parameters dropped) take every valid config — the sum
 * over branches (conditional-grid.ts) — else `wait`.
 */
import type { ParamValue, ParameterSpace } from '../config/types.js';
import type { RunRecord } from '../run-record.js';
import { canonicalJson } from '../space/config-hash.js';
import { conditionalGridSize } from '../space/conditional-grid.js';
import { activityIn, pruneInactive } from '../space/conditional-space.js';
import { listedValues } from '../space/finite-values.js';
import { finiteSpaceSize } from '../space/grid-size.js';
import { flattenSpace, valueAtPath } from '../space/flatten-space.js';
import { pointKey } from '../space/point-key.js';
import { exhaustedOutcome, waitOutcome, type SearchOutcome } from './search-method.js';

export function conditionalNothingNew(space: ParameterSpace, runs: readonly RunRecord[], method: string): SearchOutcome {
  const leaves = flattenSpace(space);
  const wait = waitOutcome(`${method}: found no config that no run has yet; the space is not used up, ask again later`);
  const size = finiteSpaceSize(space); // counted first: more configs than runs cannot all be taken
  if (size === undefined || size > BigInt(runs.length)) return wait;
  const axes = new Map<string, ParamValue[]>();
  for (const leaf of leaves) {
    const values = listedValues(leaf.spec);
    if (!values) return wait;
    axes.set(leaf.path.join('.'), values);
  }
  let total: bigint;
  try {
    total = conditionalGridSize(space, (leaf) => axes.get(leaf.path.join('.')) ?? []);
  } catch {
    return wait; // too many branches to count: as good as infinite
  }
  const allowed = leaves.map((leaf) => new Set(axes.get(leaf.path.join('.'))!.map((v) => canonicalJson(v))));
  const taken = new Set<string>();
  for (const run of runs) {
    const config = pruneInactive(space, run.config);
    const isActive = activityIn(space, config);
    const valid = leaves.every((leaf, i) => {
      if (!isActive(leaf.path)) return true;
      const value = valueAtPath(config, leaf.path);
      return value !== undefined && allowed[i]!.has(canonicalJson(value));
    });
    if (valid) taken.add(pointKey(config, leaves));
  }
  if (BigInt(taken.size) < total) return wait;
  return exhaustedOutcome(`${method}: all ${total} configs of the space are taken`);
}
