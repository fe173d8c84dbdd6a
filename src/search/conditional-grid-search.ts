/**
 * Grid search over a space with conditional parameters (`when:`): the valid configs only, each
 * once, in conditional-grid.ts's order — the grid is exactly the sum over branches. As in
 * grid.ts, a run takes a point when it has the same values for the point's active varying
 * parameters (inactive ones are dropped from both before comparing). Reason: `grid 7/18`.
 */
import type { Proposal } from '../run-record.js';
import { conditionalGridPoints, conditionalGridSize } from '../space/conditional-grid.js';
import { pruneInactive } from '../space/conditional-space.js';
import { flattenSpace } from '../space/flatten-space.js';
import { leafGridAxis } from '../space/grid-size.js';
import { pointKey } from '../space/point-key.js';
import { exhaustedOutcome, proposalsOutcome, type SearchMethod } from './search-method.js';

export const conditionalGridSearch: SearchMethod = (config, runs, options) => {
  const space = config.parameters;
  const varying = flattenSpace(space).filter((leaf) => leaf.spec.distribution !== 'constant');
  const key = (c: Parameters<typeof pruneInactive>[1]): string => pointKey(pruneInactive(space, c), varying);
  const total = conditionalGridSize(space, leafGridAxis);
  const seen = new Set(runs.map((run) => key(run.config)));
  const proposals: Proposal[] = [];
  let index = 0n;
  for (const point of conditionalGridPoints(space, leafGridAxis)) {
    if (proposals.length >= options.count) break;
    index++;
    const k = key(point);
    if (seen.has(k)) continue;
    seen.add(k);
    proposals.push({ config: point, reason: `grid ${index}/${total}` });
  }
  return proposals.length > 0 ? proposalsOutcome(proposals) : exhaustedOutcome(`grid: all ${total} points are taken`);
};
