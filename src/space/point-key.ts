/**
 * The identity of a point of the search space: the canonical form of a config's leaf values
 * (config-hash.ts rules: 3e6 == 3000000, key order ignored). Keys outside the space are
 * ignored, so a run record carrying extra keys still matches its point.
 */
import type { Config, ParamValue } from '../config/types.js';
import { canonicalJson } from './config-hash.js';
import { valueAtPath, type SpaceLeaf } from './flatten-space.js';

/** A string equal for two configs exactly when they give every leaf the same value. */
export function pointKey(config: Config, leaves: readonly SpaceLeaf[]): string {
  // Each leaf is `[value]`, or `[]` when missing, so a missing value never equals a present one.
  const cells: ParamValue[] = leaves.map((leaf) => {
    const v = valueAtPath(config, leaf.path);
    return v === undefined ? [] : [v];
  });
  return canonicalJson(cells);
}
