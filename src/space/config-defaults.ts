/**
 * Parameters added to a sweep (`hypersweep update`) with `default:` (Ax's `backfill_value`):
 * runs made before, and prior runs of sweeps without the parameter, ran with that value, so their
 * configs are read with it filled in. Pure.
 */
import type { Config, ParamValue, ParameterSpace } from '../config/types.js';
import { activityIn } from './conditional-space.js';
import { flattenSpace, valueAtPath } from './flatten-space.js';

/** A copy of `config` with `value` at `path` (nested objects made as needed). */
function setAtPath(config: Config, path: readonly string[], value: ParamValue): Config {
  const [name, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...config, [name]: value };
  const inner = config[name];
  const child = inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? inner : {};
  return { ...config, [name]: setAtPath(child, rest, value) };
}

/**
 * `config` with every parameter it lacks that has a `default:` and is active (its `when:` met)
 * filled in; the same object when there is nothing to fill. A filled value can make another
 * parameter active, so this repeats until nothing changes.
 */
export function withDefaults(space: ParameterSpace, config: Config): Config {
  const withDefault = flattenSpace(space).filter((leaf) => leaf.spec.default !== undefined);
  let out = config;
  for (let changed = withDefault.length > 0; changed; ) {
    changed = false;
    const active = activityIn(space, out);
    for (const leaf of withDefault) {
      if (valueAtPath(out, leaf.path) !== undefined || !active(leaf.path)) continue;
      out = setAtPath(out, leaf.path, leaf.spec.default!);
      changed = true;
    }
  }
  return out;
}
