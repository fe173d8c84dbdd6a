/**
 * Random search: independent draws from every parameter's distribution (W&B's definitions),
 * seeded by (seed, 'random', number of runs) so a restarted controller proposes the same.
 * Never proposes a point an existing run has (any state) or one already in the same batch:
 * a duplicate draw is redrawn up to MAX_DRAWS_PER_PROPOSAL times; when that fails and the
 * space is finite (every parameter discrete) and small enough, a free point is chosen
 * uniformly among those left, so a finite space is used up exactly and then says `exhausted`
 * (nothing-new.ts; a large space whose draws all hit taken points says `wait`).
 * Reason: `random`.
 */
import type { Config, ParamValue, ParameterSpace } from '../config/types.js';
import type { Proposal } from '../run-record.js';
import { configFromLeaves, flattenSpace, type SpaceLeaf } from '../space/flatten-space.js';
import { listedValues } from '../space/finite-values.js';
import { finiteAxis } from '../space/grid-size.js';
import { pointKey } from '../space/point-key.js';
import { createRng, type Rng } from '../space/rng.js';
import { sampleConfig } from '../space/sample-config.js';
import { hasConditions, pruneInactive } from '../space/conditional-space.js';
import { conditionalFreePoints } from './conditional-free-points.js';
import { nothingNew } from './nothing-new.js';
import { proposalsOutcome, type SearchMethod } from './search-method.js';

/** Draws tried per proposal before falling back to enumerating the free points (or giving up). */
export const MAX_DRAWS_PER_PROPOSAL = 100;
/** Largest finite space the fallback enumerates. */
export const MAX_ENUMERATED_POINTS = 1_000_000;

export const randomSearch: SearchMethod = (config, runs, options) => {
  const leaves = flattenSpace(config.parameters);
  const rng = createRng(options.seed, 'random', runs.length);
  // Conditional parameters (`when:`): configs hold active parameters only, drawn and compared so.
  const active = (c: Config): Config => pruneInactive(config.parameters, c);
  const seen = new Set(runs.map((run) => pointKey(active(run.config), leaves)));
  const proposals: Proposal[] = [];
  let free: FreePoints | null = null; // listed at most once per call
  while (proposals.length < options.count) {
    let proposal: Proposal | undefined;
    for (let draw = 0; draw < MAX_DRAWS_PER_PROPOSAL && !proposal; draw++) {
      const candidate = active(sampleConfig(config.parameters, rng));
      const key = pointKey(candidate, leaves);
      if (!seen.has(key)) {
        seen.add(key);
        proposal = { config: candidate, reason: 'random' };
      }
    }
    if (!proposal) {
      if (free === null) free = freePoints(config.parameters, leaves, seen);
      proposal = takeFreePoint(free, seen, rng);
    }
    if (!proposal) break; // exhausted (finite space), or nothing new found in a huge one
    proposals.push(proposal);
  }
  return proposals.length > 0 ? proposalsOutcome(proposals) : nothingNew(config.parameters, runs, 'random');
};

/** The points of a finite, small space not in `seen`; undefined when the space is infinite or too large. */
type FreePoints = Array<{ config: Config; key: string }> | undefined;

function freePoints(space: ParameterSpace, leaves: readonly SpaceLeaf[], seen: ReadonlySet<string>): FreePoints {
  if (hasConditions(space)) return conditionalFreePoints(space, leaves, seen, MAX_ENUMERATED_POINTS);
  let count = 1;
  for (const leaf of leaves) {
    count *= finiteCount(leaf);
    if (!(count <= MAX_ENUMERATED_POINTS)) return undefined; // counted before anything is listed
  }
  const axes: ParamValue[][] = [];
  let total = 1;
  for (const leaf of leaves) {
    const values = listedValues(leaf.spec);
    if (!values) return undefined;
    axes.push(values);
    total *= values.length;
    if (total > MAX_ENUMERATED_POINTS) return undefined;
  }
  const free: Array<{ config: Config; key: string }> = [];
  for (let index = 0; index < total; index++) {
    let rest = index;
    const values = new Array<ParamValue>(axes.length);
    for (let i = axes.length - 1; i >= 0; i--) {
      const axis = axes[i]!;
      values[i] = axis[rest % axis.length] as ParamValue;
      rest = Math.floor(rest / axis.length);
    }
    const point = configFromLeaves(space, values);
    const key = pointKey(point, leaves);
    if (!seen.has(key)) free.push({ config: point, key });
  }
  return free;
}

/** Picks uniformly among the free points not yet in `seen` (draws may have taken some since they were listed). */
function takeFreePoint(free: FreePoints, seen: Set<string>, rng: Rng): Proposal | undefined {
  if (!free) return undefined;
  const left = free.filter((p) => !seen.has(p.key));
  if (left.length === 0) return undefined;
  const chosen = left[Math.floor(rng.next() * left.length)]!;
  seen.add(chosen.key);
  return { config: chosen.config, reason: 'random' };
}

/** How many values a leaf takes; Infinity when continuous or too many to list. */
function finiteCount(leaf: SpaceLeaf): number {
  try {
    return finiteAxis(leaf.spec)?.count ?? Infinity;
  } catch {
    return Infinity;
  }
}
