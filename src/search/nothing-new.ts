/**
 * What a search method says when it found nothing new this time: `exhausted` when the space is
 * finite and every one of its points is taken by a run (any state), else `wait` — a large space
 * can defeat a method's draws or candidate budget while free points remain.
 */
import type { ParameterSpace } from '../config/types.js';
import type { RunRecord } from '../run-record.js';
import { canonicalJson } from '../space/config-hash.js';
import { flattenSpace, valueAtPath } from '../space/flatten-space.js';
import { listedValues } from '../space/finite-values.js';
import { finiteSpaceSize } from '../space/grid-size.js';
import { pointKey } from '../space/point-key.js';
import { hasConditions } from '../space/conditional-space.js';
import { conditionalNothingNew } from './conditional-nothing-new.js';
import { exhaustedOutcome, waitOutcome, type SearchOutcome } from './search-method.js';

export function nothingNew(space: ParameterSpace, runs: readonly RunRecord[], method: string): SearchOutcome {
  if (hasConditions(space)) return conditionalNothingNew(space, runs, method);
  const leaves = flattenSpace(space);
  const wait = `${method}: found no config that no run has yet; the space is not used up, ask again later`;
  const size = finiteSpaceSize(space); // counted first: more configs than runs cannot all be taken
  if (size === undefined || size > BigInt(runs.length)) return waitOutcome(wait);
  const allowed: Array<Set<string>> = [];
  let total = 1n;
  for (const leaf of leaves) {
    const values = listedValues(leaf.spec);
    if (!values) return waitOutcome(wait);
    allowed.push(new Set(values.map((v) => canonicalJson(v))));
    total *= BigInt(values.length);
  }
  const taken = new Set<string>();
  for (const run of runs) {
    const inSpace = leaves.every((leaf, i) => {
      const value = valueAtPath(run.config, leaf.path);
      return value !== undefined && allowed[i]!.has(canonicalJson(value));
    });
    if (inSpace) taken.add(pointKey(run.config, leaves));
  }
  if (BigInt(taken.size) < total) return waitOutcome(wait);
  return exhaustedOutcome(`${method}: all ${total} configs of the space are taken`);
}
