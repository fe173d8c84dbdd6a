/**
 * Grid search: every point of the Cartesian product of the parameters' grid values, once.
 *
 * Order: parameters in file order, nested parameters flattened depth-first, the last
 * parameter varying fastest (like nested for-loops written in file order). A point that any
 * existing run has (whatever its state) is never proposed again. As in W&B's grid_search.py, a
 * run matches a point on the grid's varying parameters only (every one but `value:` constants),
 * each compared by its canonical form (3e6 == 3000000): a run that differs in a constant, or
 * carries extra keys beside a nested parameter's, still takes its point; one that lacks a
 * varying parameter takes none. q_uniform axes are W&B's (grid-values.ts). Never waits: when no point is left it says `exhausted`. Reason: `grid 7/24` (1-based index / total).
 */
import type { Proposal } from '../run-record.js';
import { configFromLeaves, flattenSpace } from '../space/flatten-space.js';
import { gridAxes, gridPointCount } from '../space/grid-size.js';
import { pointKey } from '../space/point-key.js';
import { hasConditions } from '../space/conditional-space.js';
import { conditionalGridSearch } from './conditional-grid-search.js';
import { exhaustedOutcome, proposalsOutcome, type SearchMethod } from './search-method.js';

export const gridSearch: SearchMethod = (config, runs, options) => {
  if (hasConditions(config.parameters)) return conditionalGridSearch(config, runs, options);
  const leaves = flattenSpace(config.parameters);
  const axes = gridAxes(leaves);
  const total = gridPointCount(axes);
  const varying = leaves.filter((leaf) => leaf.spec.distribution !== 'constant');
  const seen = new Set(runs.map((run) => pointKey(run.config, varying)));
  const proposals: Proposal[] = [];
  if (total === 0n) return exhaustedOutcome('grid: the grid has no points');
  // Walk the index space with a mixed-radix counter (last axis fastest); at most
  // |seen| + count points are visited, whatever the size of the product.
  const digits = axes.map(() => 0);
  for (let index = 1n; index <= total && proposals.length < options.count; index++) {
    const point = configFromLeaves(config.parameters, digits.map((d, i) => axes[i]!.at(d)));
    const key = pointKey(point, varying);
    if (!seen.has(key)) {
      seen.add(key);
      proposals.push({ config: point, reason: `grid ${index}/${total}` });
    }
    for (let i = digits.length - 1; i >= 0; i--) {
      if (++digits[i]! < axes[i]!.count) break;
      digits[i] = 0;
    }
  }
  return proposals.length > 0 ? proposalsOutcome(proposals) : exhaustedOutcome(`grid: all ${total} points are taken`);
};

/** Grid arithmetic lives in space/grid-size.ts (the store's sweep budget counts with it too). */
export { gridSize } from '../space/grid-size.js';
