/**
 * Parameters added to a sweep (`hypersweep update`) with `default:` (Ax's `backfill_value`):
 * runs made before, and prior runs of sweeps without the parameter, ran with that value, so their
 * configs are read with it filled in. Pure.
 */
import type { Config, ParamValue, ParameterSpace } from '../config/types.js';
import { activityIn } from './conditional-space.js';
import { flattenSpace, valueAtPath, type SpaceLeaf } from './flatten-space.js';

/** A copy of `config` with `value` at `path` (nested objects made as needed). */
function setAtPath(config: Config, path: readonly string[], value: ParamValue): Config {
  const [name, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...config, [name]: value };
  const inner = config[name];
  const child = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? inner : {};
  return { ...config, [name]: setAtPath(child, rest, value) };
}

/** The leaves with a `default:`, per space (a sweep's space is read for every earlier run). */
const leavesWithDefault = new WeakMap<ParameterSpace, SpaceLeaf[]>();

/**
 * `config` with every parameter it lacks that has a `default:` and is active (its `when:` met)
 * filled in; the same object when there is nothing to fill. A filled value can make another
 * parameter active, so this repeats until nothing changes.
 */
export function withDefaults(space: ParameterSpace, config: Config): Config {
  let leaves = leavesWithDefault.get(space);
  if (!leaves) leavesWithDefault.set(space, (leaves = flattenSpace(space).filter((leaf) => leaf.spec.default !== undefined)));
  let out = config;
  for (;;) {
    const missing = leaves.filter((leaf) => valueAtPath(out, leaf.path) === undefined);
    if (missing.length === 0) return out;
    const active = activityIn(space, out);
    const fill = missing.filter((leaf) => active(leaf.path));
    if (fill.length === 0) return out;
    for (const leaf of fill) out = setAtPath(out, leaf.path, leaf.spec.default!);
  }
}
