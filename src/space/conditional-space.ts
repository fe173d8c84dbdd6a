/**
 * Conditional parameters (`when:`, parse-when.ts): which parameters of a config are active.
 * A parameter is active when the block it sits in is active and each parameter its `when`
 * names is active with one of the listed values. A config holds no key for an inactive
 * parameter (so `${args}` does not pass it and its run id does not depend on it): `pruneInactive`
 * is the one place that decides it, for every search method.
 */
import type { Config, ParamValue, ParameterSpace, ParameterSpec } from '../config/types.js';
import { canonicalJson } from './config-hash.js';
import { valueAtPath } from './flatten-space.js';

interface ConditionNode {
  path: string[];
  spec: ParameterSpec;
  parent: string | undefined;
  /** Resolved `when`: the named parameter's path and the canonical forms of its values. */
  conditions: Array<{ dotted: string; path: string[]; values: Set<string> }>;
}

const indexes = new WeakMap<ParameterSpace, Map<string, ConditionNode> | null>();

/** Every parameter (leaf or block) by dotted path; null when no parameter has `when`. */
function indexOf(space: ParameterSpace): Map<string, ConditionNode> | null {
  const cached = indexes.get(space);
  if (cached !== undefined) return cached;
  const nodes = new Map<string, ConditionNode>();
  let any = false;
  const walk = (params: ParameterSpace, prefix: string[], parent: string | undefined): void => {
    for (const [name, spec] of Object.entries(params)) {
      const path = [...prefix, name];
      const dotted = path.join('.');
      const conditions = Object.entries(spec.when ?? {}).map(([ref, values]) => ({
        dotted: ref,
        path: [] as string[],
        values: new Set(values.map((v) => canonicalJson(v))),
      }));
      if (conditions.length > 0) any = true;
      nodes.set(dotted, { path, spec, parent, conditions });
      if (spec.distribution === 'nested') walk(spec.parameters, path, dotted);
    }
  };
  walk(space, [], undefined);
  for (const node of nodes.values()) for (const c of node.conditions) c.path = nodes.get(c.dotted)?.path ?? c.dotted.split('.');
  const result = any ? nodes : null;
  indexes.set(space, result);
  return result;
}

/** True when some parameter of the space has `when`. */
export function hasConditions(space: ParameterSpace): boolean {
  return indexOf(space) !== null;
}

/**
 * A predicate telling which parameters (by path) are active in `config`. Values of inactive
 * parameters that `config` may still carry are never read.
 */
export function activityIn(space: ParameterSpace, config: Config): (path: readonly string[]) => boolean {
  const nodes = indexOf(space);
  if (!nodes) return () => true;
  const memo = new Map<string, boolean>();
  const active = (dotted: string): boolean => {
    const known = memo.get(dotted);
    if (known !== undefined) return known;
    memo.set(dotted, false); // validation forbids cycles; this keeps a bad space finite anyway
    const node = nodes.get(dotted);
    let result = node !== undefined && (node.parent === undefined || active(node.parent));
    for (const c of node?.conditions ?? []) {
      if (!result) break;
      const v = valueAtPath(config, c.path);
      result = active(c.dotted) && v !== undefined && c.values.has(canonicalJson(v));
    }
    memo.set(dotted, result);
    return result;
  };
  return (path) => active(path.join('.'));
}

/** `config` without the keys of inactive parameters (the same object when the space has no `when`). */
export function pruneInactive(space: ParameterSpace, config: Config): Config {
  if (!hasConditions(space)) return config;
  const isActive = activityIn(space, config);
  const build = (params: ParameterSpace, values: Config, prefix: string[]): Config => {
    const out: Config = {};
    for (const [name, spec] of Object.entries(params)) {
      const path = [...prefix, name];
      if (!Object.hasOwn(values, name) || !isActive(path)) continue;
      const v = values[name] as ParamValue;
      out[name] = spec.distribution === 'nested' && v !== null && typeof v === 'object' && !Array.isArray(v) ? build(spec.parameters, v, path) : v;
    }
    // keys outside the space are kept as given (a run record may carry extra keys)
    for (const [name, v] of Object.entries(values)) if (!Object.hasOwn(params, name)) out[name] = v;
    return out;
  };
  return build(space, config, []);
}

/**
 * The parameters `when` clauses name, as dotted paths: the ones whose values decide which
 * branch a config is in.
 */
export function controllingParameters(space: ParameterSpace): Set<string> {
  const nodes = indexOf(space);
  const out = new Set<string>();
  for (const node of nodes?.values() ?? []) for (const c of node.conditions) out.add(c.dotted);
  return out;
}

/** The dotted paths each parameter's existence depends on (its conditions and its block's, transitively one level). */
export function dependenciesOf(space: ParameterSpace, path: readonly string[]): string[] {
  const nodes = indexOf(space);
  if (!nodes) return [];
  const out: string[] = [];
  for (let dotted: string | undefined = path.join('.'); dotted !== undefined; dotted = nodes.get(dotted)?.parent) {
    for (const c of nodes.get(dotted)?.conditions ?? []) out.push(c.dotted);
  }
  return out;
}
