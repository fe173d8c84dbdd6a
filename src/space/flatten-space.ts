/**
 * A parameter space as a flat list of leaves (every non-nested parameter), in file order,
 * nested parameters flattened depth-first; and the way back from leaf values to a config.
 */
import type { Config, ParamValue, ParameterSpace, ParameterSpec } from '../config/types.js';

export type LeafSpec = Exclude<ParameterSpec, { distribution: 'nested' }>;

export interface SpaceLeaf {
  /** Names from the top level down, e.g. `['optimizer', 'lr']`. */
  path: string[];
  spec: LeafSpec;
}

/** The leaves of the space in file order, depth-first. */
export function flattenSpace(space: ParameterSpace, prefix: readonly string[] = []): SpaceLeaf[] {
  const leaves: SpaceLeaf[] = [];
  for (const [name, spec] of Object.entries(space)) {
    const path = [...prefix, name];
    if (spec.distribution === 'nested') leaves.push(...flattenSpace(spec.parameters, path));
    else leaves.push({ path, spec });
  }
  return leaves;
}

/** The config whose i-th leaf (in `flattenSpace` order) has `values[i]`; nested parameters become objects. */
export function configFromLeaves(space: ParameterSpace, values: readonly ParamValue[]): Config {
  let i = 0;
  const build = (s: ParameterSpace): Config => {
    const config: Config = {};
    for (const [name, spec] of Object.entries(s)) {
      config[name] = spec.distribution === 'nested' ? build(spec.parameters) : (values[i++] as ParamValue);
    }
    return config;
  };
  return build(space);
}

/** The value at `path` in a config, or undefined when the config lacks it. */
export function valueAtPath(config: Config, path: readonly string[]): ParamValue | undefined {
  let value: ParamValue | undefined = config;
  for (const name of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, name)) return undefined;
    value = value[name];
  }
  return value;
}
