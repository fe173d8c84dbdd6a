/**
 * Extension `when:` on a parameter (conditional parameters): `when: {optimizer: sgd}` or
 * `when: {optimizer: [sgd, rmsprop], model.type: cnn}` — the parameter exists only when every
 * named parameter is active and has one of the listed values. Checked after the whole
 * `parameters:` block is read, because a condition may name any parameter of the space:
 * - names are dotted paths from the top (`model.type` for `type` nested in `model`) and must
 *   name a parameter that exists, is not itself a nested block, and is categorical, constant
 *   or int_uniform (a parameter with a finite list of values);
 * - each listed value must be one that parameter can take;
 * - conditions must not form a cycle (a parameter whose existence depends on itself, directly,
 *   through other conditions, or through the block it sits in).
 * Errors point at the offending name or value (file:line:col).
 */
import { didYouMean } from './did-you-mean.js';
import type { Entry, NodeReader, Val } from './node-reader.js';
import type { ParamValue, ParameterSpace, ParameterSpec, WhenClause } from './types.js';

/** The distributions a `when` may name: each has a finite list of values. */
export const WHEN_TARGETS: readonly string[] = ['categorical', 'constant', 'int_uniform'];

interface Node {
  path: string[];
  dotted: string;
  spec: ParameterSpec;
  entry: Entry;
  whenEntry?: Entry;
  parent?: Node;
}

/** Reads every `when:` under `parametersE` into the parsed `space` (adds `when` to the specs). */
export function parseWhen(r: NodeReader, parametersE: Val, space: ParameterSpace): void {
  const nodes: Node[] = [];
  collect(r, parametersE, space, [], undefined, nodes);
  if (!nodes.some((n) => n.whenEntry)) return;
  const byName = new Map<string, Node[]>();
  for (const n of nodes) byName.set(n.dotted, [...(byName.get(n.dotted) ?? []), n]);
  const refs = new Map<Node, Node[]>();

  for (const node of nodes) {
    if (!node.whenEntry) continue;
    const entries = r.entries(node.whenEntry, 'when');
    if (!entries) continue;
    if (entries.length === 0) {
      r.sink.error(node.whenEntry.at, node.whenEntry.path, 'when must name at least one parameter, e.g. when: {optimizer: sgd}');
      continue;
    }
    const clause: WhenClause = {};
    const targets: Node[] = [];
    let ok = true;
    for (const e of entries) {
      const target = resolve(r, e, byName, node);
      if (!target) {
        ok = false;
        continue;
      }
      const values = readValues(r, e, target);
      if (!values) {
        ok = false;
        continue;
      }
      clause[target.dotted] = values;
      targets.push(target);
    }
    if (!ok) continue;
    node.spec.when = clause;
    refs.set(node, targets);
  }
  reportCycles(r, nodes, refs);
}

/** Pairs each YAML parameter entry with its parsed spec, depth-first in file order. */
function collect(r: NodeReader, val: Val, space: ParameterSpace, prefix: string[], parent: Node | undefined, out: Node[]): void {
  const entries = r.entries(val, val.path);
  if (!entries) return;
  for (const e of entries) {
    const spec = space[e.key];
    if (!spec || r.isScalar(e)) continue;
    const inner = r.entries(e, `parameter "${e.key}"`) ?? [];
    const path = [...prefix, e.key];
    const node: Node = { path, dotted: path.join('.'), spec, entry: e, ...(parent ? { parent } : {}) };
    const whenEntry = inner.find((x) => x.key === 'when');
    if (whenEntry) node.whenEntry = whenEntry;
    out.push(node);
    if (spec.distribution === 'nested') {
      const params = inner.find((x) => x.key === 'parameters');
      if (params) collect(r, params, spec.parameters, path, node, out);
    }
  }
}

function resolve(r: NodeReader, e: Entry, byName: ReadonlyMap<string, Node[]>, self: Node): Node | undefined {
  const found = byName.get(e.key);
  if (!found) {
    r.sink.error(e.keyNode, e.path, `when names parameter "${e.key}", which the sweep does not have (nested ones are dotted: outer.inner)${didYouMean(e.key, [...byName.keys()])}`);
    return undefined;
  }
  if (found.length > 1) {
    r.sink.error(e.keyNode, e.path, `when names "${e.key}", which is ambiguous: a parameter named "${e.key}" and a nested path with the same dots both exist; rename one`);
    return undefined;
  }
  const target = found[0]!;
  if (target === self) {
    r.sink.error(e.keyNode, e.path, `a parameter's when cannot name the parameter itself ("${e.key}")`);
    return undefined;
  }
  if (!WHEN_TARGETS.includes(target.spec.distribution)) {
    r.sink.error(
      e.keyNode,
      e.path,
      `when may name only a categorical, constant or int_uniform parameter (one with listed values), but "${e.key}" is ${target.spec.distribution === 'nested' ? 'a nested block' : target.spec.distribution}`,
    );
    return undefined;
  }
  return target;
}

/** The values of one condition (a scalar or a list), each checked against the named parameter. */
function readValues(r: NodeReader, e: Entry, target: Node): ParamValue[] | undefined {
  const items = r.isScalar(e) ? [e] : r.items(e, `when.${e.key}`);
  if (!items) return undefined;
  if (items.length === 0) {
    r.sink.error(e.at, e.path, `when.${e.key} must list at least one value, but got an empty list`);
    return undefined;
  }
  const values: ParamValue[] = [];
  let ok = true;
  for (const item of items) {
    const v = r.plain(item);
    const support = supportOf(target.spec);
    const allowed = support ? support.some((s) => sameValue(s, v)) : inIntRange(target.spec, v);
    if (!allowed) {
      const list = support ? support.map((s) => JSON.stringify(s)).join(', ') : rangeText(target.spec);
      r.sink.error(item.at, item.path, `${r.describe(item)} is not a value "${target.dotted}" can take (${list})${didYouMean(String(v), (support ?? []).map(String))}`);
      ok = false;
      continue;
    }
    values.push(v);
  }
  return ok ? values : undefined;
}

function supportOf(spec: ParameterSpec): ParamValue[] | undefined {
  if (spec.distribution === 'categorical') return spec.values;
  if (spec.distribution === 'constant') return [spec.value];
  return undefined;
}

function inIntRange(spec: ParameterSpec, v: ParamValue): boolean {
  return spec.distribution === 'int_uniform' && typeof v === 'number' && Number.isInteger(v) && v >= spec.min && v <= spec.max;
}

function rangeText(spec: ParameterSpec): string {
  return spec.distribution === 'int_uniform' ? `an integer from ${spec.min} to ${spec.max}` : spec.distribution;
}

/**
 * A node depends on what its conditions name and on the block it sits in (a parameter inside
 * an absent block is absent). A cycle is reported once, at the `when` of its first member.
 */
function reportCycles(r: NodeReader, nodes: readonly Node[], refs: ReadonlyMap<Node, Node[]>): void {
  const deps = (n: Node): Node[] => [...(refs.get(n) ?? []), ...(n.parent ? [n.parent] : [])];
  const state = new Map<Node, 'open' | 'done'>();
  const stack: Node[] = [];
  const visit = (n: Node): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const d of deps(n)) {
      const s = state.get(d);
      if (s === 'done') continue;
      if (s === 'open') {
        const cycle = stack.slice(stack.indexOf(d));
        const at = cycle.find((c) => c.whenEntry && refs.has(c)) ?? n;
        const names = [...cycle, d].map((c) => c.dotted).join(' → ');
        const where = at.whenEntry ?? at.entry;
        r.sink.error(where.keyNode, where.path, `when conditions form a cycle (${names}): a parameter's existence cannot depend on itself`);
        continue;
      }
      visit(d);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of nodes) if (!state.has(n)) visit(n);
}

/** Equal as parameter values: numbers by value, lists item by item, mappings key by key (any order). */
function sameValue(a: ParamValue, b: ParamValue): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]!));
  }
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameValue(a[k]!, b[k]!));
}
