/**
 * The `parameters:` block: every W&B distribution with W&B's fields, defaults and inference,
 * nested parameters to any depth, bounds checked with the rule and the value received.
 */
import { isScalar } from 'yaml';
import { formatNumber } from 'hypersweep/web/shared/number-format.js';
import { DISTRIBUTIONS, type Distribution, type FloatMark, type ParameterSpace, type ParameterSpec, type ParamValue } from './types.js';
import type { Entry, NodeReader, Val } from './node-reader.js';
import { MAX_PARAMETERS, RESERVED_KEYS } from './sweep-file-limits.js';

/** W&B's rule for parameter names (its schema's `propertyNames`). */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Distributions grid search can enumerate (W&B: categorical, constant, int_uniform, q_uniform). */
export const GRID_DISTRIBUTIONS: readonly string[] = ['constant', 'categorical', 'int_uniform', 'q_uniform', 'nested'];

/** W&B's older name for a categorical with probabilities. */
const CATEGORICAL_W_PROBABILITIES = 'categorical_w_probabilities';
const DISTRIBUTION_NAMES: readonly string[] = [...DISTRIBUTIONS, CATEGORICAL_W_PROBABILITIES];

/** The keys each distribution allows besides `distribution`. */
const KEYS: Record<Distribution, readonly string[]> = {
  constant: ['value'],
  categorical: ['values', 'probabilities'],
  int_uniform: ['min', 'max'],
  uniform: ['min', 'max'],
  q_uniform: ['min', 'max', 'q'],
  log_uniform: ['min', 'max'],
  log_uniform_values: ['min', 'max'],
  q_log_uniform: ['min', 'max', 'q'],
  q_log_uniform_values: ['min', 'max', 'q'],
  inv_log_uniform: ['min', 'max'],
  inv_log_uniform_values: ['min', 'max'],
  normal: ['mu', 'sigma'],
  q_normal: ['mu', 'sigma', 'q'],
  log_normal: ['mu', 'sigma'],
  q_log_normal: ['mu', 'sigma', 'q'],
  beta: ['a', 'b'],
  q_beta: ['a', 'b', 'q'],
};

/** W&B deprecates the exponent-bounded log distributions in favour of these. */
const DEPRECATED: Partial<Record<Distribution, Distribution>> = {
  log_uniform: 'log_uniform_values',
  inv_log_uniform: 'inv_log_uniform_values',
  q_log_uniform: 'q_log_uniform_values',
};

/** Words PyYAML (YAML 1.1, as W&B reads sweep files) turns into booleans but YAML 1.2 keeps as strings. */
const YAML11_BOOLEANS = /^(yes|no|on|off)$/i;

type Method = 'grid' | 'random' | 'bayes' | undefined;

/**
 * Parses a `parameters:` mapping (top level or nested); undefined when it could not be read.
 * Parameters whose values were written as floats are added to `floats` (types.ts, FloatMark).
 */
export function parseParameters(r: NodeReader, val: Val, method: Method, floats: FloatMark[] = [], prefix: readonly string[] = []): ParameterSpace | undefined {
  const entries = r.entries(val, val.path);
  if (!entries) return undefined;
  if (entries.length === 0) {
    r.sink.error(val.at, val.path, `${val.path} must list at least one parameter, but got none`);
    return undefined;
  }
  const space: ParameterSpace = {};
  let ok = true;
  for (const e of entries) {
    if (++r.parameterCount > MAX_PARAMETERS) {
      r.sink.error(e.keyNode, e.path, `too many parameters: a sweep may have at most ${MAX_PARAMETERS} (MAX_PARAMETERS), nested ones included`);
      return undefined;
    }
    if (RESERVED_KEYS.includes(e.key)) {
      r.sink.error(e.keyNode, e.path, `a parameter cannot be named ${JSON.stringify(e.key)} (it would change how objects behave); rename it`);
      ok = false;
      continue;
    }
    if (!PARAMETER_NAME.test(e.key)) {
      r.sink.error(
        e.keyNode,
        e.path,
        `parameter names must start with a letter or _ and contain only letters, digits, _ . -, but got ${JSON.stringify(e.key)}`,
      );
      ok = false;
    }
    const spec = parseParameter(r, e, method, floats, [...prefix, e.key]);
    if (spec) space[e.key] = spec;
    else ok = false;
  }
  return ok ? space : undefined;
}

function parseParameter(r: NodeReader, param: Entry, method: Method, floats: FloatMark[], path: string[]): ParameterSpec | undefined {
  const name = param.key;
  if (r.isScalar(param) || r.resolve(param.node) === null) {
    r.sink.error(
      param.at,
      param.path,
      `a parameter must be a mapping such as {value: ...}, {values: [...]} or {min: ..., max: ...}, but got ${r.describe(param)}` +
        (param.node !== null ? `; for a constant write "${name}: {value: ${r.describe(param)}}"` : ''),
    );
    return undefined;
  }
  const entries = r.entries(param, `parameter "${name}"`);
  if (!entries) return undefined;
  const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);

  if (get('parameters')) {
    r.rejectUnknownKeys(entries, ['parameters', 'when'], `a nested parameter (one with "parameters:")`);
    const inner = parseParameters(r, get('parameters')!, method, floats, path);
    return inner ? { distribution: 'nested', parameters: inner } : undefined;
  }

  const dist = distributionOf(r, param, entries);
  if (!dist) return undefined;
  const { distribution, inferred } = dist;
  const what = inferred ? `a ${distribution} parameter (inferred from ${inferred})` : `a ${distribution} parameter`;
  const allowed = ['distribution', ...KEYS[distribution]];
  const before = r.sink.errors.length;
  for (const e of entries) {
    if (allowed.includes(e.key) || e.key === 'when' || e.key === 'default') continue; // when: and default: extension keys of any leaf parameter
    if (inferred && ['q', 'mu', 'sigma', 'a', 'b'].includes(e.key)) {
      r.sink.error(e.keyNode, e.path, `"${e.key}" needs an explicit distribution (W&B infers only constant, categorical, int_uniform and uniform); add distribution: ${e.key === 'q' ? 'q_uniform' : e.key === 'a' || e.key === 'b' ? 'beta' : 'normal'} or similar`);
    } else {
      r.rejectUnknownKeys([e], allowed, what);
    }
  }

  const spec = buildSpec(r, param, entries, distribution, what);
  if (!spec || r.sink.errors.length > before) return undefined;
  // default: the value earlier runs ran with (checked against the space by the API, space/config-in-space.ts)
  if (get('default')) spec.default = r.scriptValue(get('default')!);
  const mark = floatMark(r, spec, get, method);
  if (mark) floats.push({ path, ...mark });

  const deprecated = DEPRECATED[distribution];
  if (deprecated && 'min' in spec) {
    const at = get('distribution') ?? param;
    const lo = distribution === 'inv_log_uniform' ? Math.exp(-spec.max) : Math.exp(spec.min);
    const hi = distribution === 'inv_log_uniform' ? Math.exp(-spec.min) : Math.exp(spec.max);
    r.sink.warn(
      at.at,
      at.path,
      `${distribution} is deprecated by W&B: its min and max are natural-log exponents, so this samples ` +
        `${compact(lo)} ... ${compact(hi)}; use ${deprecated} to give the values themselves`,
    );
  }
  if (method === 'grid' && !GRID_DISTRIBUTIONS.includes(spec.distribution)) {
    r.sink.error(
      param.keyNode,
      param.path,
      `grid search cannot enumerate a ${spec.distribution} parameter; list the points with values: [...], ` +
        `or use int_uniform or q_uniform, which grid expands into points`,
    );
    return undefined;
  }
  if (method === 'grid' && spec.distribution === 'categorical' && spec.probabilities) {
    const p = get('probabilities')!;
    r.sink.error(p.keyNode, p.path, `grid search tries every value, so probabilities have no meaning; remove probabilities or use method: random`);
    return undefined;
  }
  return spec;
}

/** The explicit or W&B-inferred distribution, or an issue and undefined. */
function distributionOf(
  r: NodeReader,
  param: Entry,
  entries: Entry[],
): { distribution: Distribution; inferred?: string } | undefined {
  const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);
  const explicit = get('distribution');
  if (explicit) {
    const d = r.oneOf(explicit, DISTRIBUTION_NAMES, 'distribution');
    if (d === undefined) return undefined;
    if (d === CATEGORICAL_W_PROBABILITIES) {
      if (!get('probabilities')) {
        r.sink.error(param.keyNode, param.path, `${CATEGORICAL_W_PROBABILITIES} needs probabilities: [...], one per value, but got none`);
        return undefined;
      }
      return { distribution: 'categorical' };
    }
    return { distribution: d as Distribution };
  }
  const value = get('value');
  const values = get('values');
  const min = get('min');
  const max = get('max');
  const shapes = [value && 'value', values && 'values', (min || max) && 'min/max'].filter(Boolean);
  if (shapes.length > 1) {
    r.sink.error(param.keyNode, param.path, `a parameter takes one of value, values, or min and max, but got ${shapes.join(' and ')}`);
    return undefined;
  }
  if (value) return { distribution: 'constant', inferred: 'value' };
  if (values) return { distribution: 'categorical', inferred: 'values' };
  if (min || max) {
    if (!min || !max) {
      r.sink.error(param.keyNode, param.path, `a range needs both min and max, but got only ${min ? 'min' : 'max'}`);
      return undefined;
    }
    const bothInt = r.isIntLiteral(min) && r.isIntLiteral(max);
    return bothInt
      ? { distribution: 'int_uniform', inferred: 'integer min and max' }
      : { distribution: 'uniform', inferred: 'min and max, not both integers' };
  }
  const keys = entries.map((e) => e.key);
  if (keys.some((k) => ['mu', 'sigma', 'a', 'b', 'q'].includes(k))) {
    r.sink.error(
      param.keyNode,
      param.path,
      `a parameter with ${keys.join(', ')} needs distribution: (W&B infers only constant, categorical, int_uniform and uniform), but got none`,
    );
  } else {
    r.sink.error(
      param.keyNode,
      param.path,
      `a parameter needs value, values, min and max, parameters, or distribution, but got ${keys.length ? keys.join(', ') : 'an empty mapping'}`,
    );
  }
  return undefined;
}

function buildSpec(r: NodeReader, param: Entry, entries: Entry[], distribution: Distribution, what: string): ParameterSpec | undefined {
  const get = (key: string): Entry | undefined => entries.find((e) => e.key === key);
  const requireEntry = (key: string): Entry | undefined => {
    const e = get(key);
    if (!e) r.sink.error(param.keyNode, param.path, `${what} needs ${key}, but got none`);
    return e;
  };
  const num = (key: string, fallback: number): number | undefined => {
    const e = get(key);
    return e ? r.number(e, key) : fallback;
  };
  const positive = (key: string, fallback: number): number | undefined => {
    const e = get(key);
    const v = num(key, fallback);
    if (e && v !== undefined && !(v > 0)) {
      r.sink.error(e.at, e.path, `${key} must be > 0, but got ${r.describe(e)}`);
      return undefined;
    }
    return v;
  };

  switch (distribution) {
    case 'constant': {
      const e = requireEntry('value');
      if (!e) return undefined;
      warnYaml11(r, e);
      return { distribution, value: r.scriptValue(e) };
    }
    case 'categorical':
      return categorical(r, param, entries, what);
    case 'normal':
    case 'log_normal': {
      const mu = num('mu', 0);
      const sigma = positive('sigma', 1);
      return mu === undefined || sigma === undefined ? undefined : { distribution, mu, sigma };
    }
    case 'q_normal':
    case 'q_log_normal': {
      const mu = num('mu', 0);
      const sigma = positive('sigma', 1);
      const q = positive('q', 1);
      return mu === undefined || sigma === undefined || q === undefined ? undefined : { distribution, mu, sigma, q };
    }
    case 'beta': {
      const a = positive('a', 1);
      const b = positive('b', 1);
      return a === undefined || b === undefined ? undefined : { distribution, a, b };
    }
    case 'q_beta': {
      const a = positive('a', 1);
      const b = positive('b', 1);
      const q = positive('q', 1);
      return a === undefined || b === undefined || q === undefined ? undefined : { distribution, a, b, q };
    }
    default: {
      const minE = requireEntry('min');
      const maxE = requireEntry('max');
      const hasQ = KEYS[distribution].includes('q');
      const q = hasQ ? positive('q', 1) : undefined;
      if (!minE || !maxE) return undefined;
      const read = distribution === 'int_uniform' ? r.integer.bind(r) : r.number.bind(r);
      const min = read(minE, 'min');
      const max = read(maxE, 'max');
      if (min === undefined || max === undefined || (hasQ && q === undefined)) return undefined;
      if (distribution.endsWith('_values') && !(min > 0)) {
        r.sink.error(minE.at, minE.path, `min must be > 0 for ${distribution} (its bounds are values, not exponents), but got ${r.describe(minE)}`);
        return undefined;
      }
      if (!(min < max)) {
        r.sink.error(minE.at, minE.path, `min must be less than max (${r.describe(maxE)}), but got ${r.describe(minE)}`);
        return undefined;
      }
      return (hasQ ? { distribution, min, max, q } : { distribution, min, max }) as ParameterSpec;
    }
  }
}

function categorical(r: NodeReader, param: Entry, entries: Entry[], what: string): ParameterSpec | undefined {
  const valuesE = entries.find((e) => e.key === 'values');
  if (!valuesE) {
    r.sink.error(param.keyNode, param.path, `${what} needs values: [...], but got none`);
    return undefined;
  }
  const items = r.items(valuesE, 'values');
  if (!items) return undefined;
  if (items.length === 0) {
    r.sink.error(valuesE.at, valuesE.path, `values must list at least one value, but got an empty list`);
    return undefined;
  }
  items.forEach((item) => warnYaml11(r, item));
  const values: ParamValue[] = items.map((item) => r.scriptValue(item));
  const probE = entries.find((e) => e.key === 'probabilities');
  if (!probE) return { distribution: 'categorical', values };
  const probItems = r.items(probE, 'probabilities');
  if (!probItems) return undefined;
  const probabilities: number[] = [];
  for (const item of probItems) {
    const p = r.number(item, 'each probability');
    if (p === undefined) return undefined;
    if (p < 0) {
      r.sink.error(item.at, item.path, `each probability must be >= 0, but got ${r.describe(item)}`);
      return undefined;
    }
    probabilities.push(p);
  }
  if (probabilities.length !== values.length) {
    r.sink.error(
      probE.at,
      probE.path,
      `probabilities must have one entry per value (${values.length}), but got ${probabilities.length}`,
    );
    return undefined;
  }
  const sum = probabilities.reduce((a, b) => a + b, 0);
  // numpy.isclose(sum, 1.0), as W&B checks it
  if (Math.abs(sum - 1) > 1e-8 + 1e-5) {
    r.sink.error(probE.at, probE.path, `probabilities must sum to 1, but got ${compact(sum)}`);
    return undefined;
  }
  return { distribution: 'categorical', values, probabilities };
}

/**
 * W&B's number type where the YAML token decides it (W&B hands the script a Python float): the
 * integral values written as floats, or `{}` for "every integral value" (q written as a float;
 * a grid's q_uniform is numpy's arange, a float as soon as min, max or q is one).
 */
function floatMark(r: NodeReader, spec: ParameterSpec, get: (key: string) => Entry | undefined, method: Method): { values?: number[] } | undefined {
  const isFloat = (v: Val | undefined): boolean => v !== undefined && typeof r.plain(v) === 'number' && !r.isIntLiteral(v);
  const written = (items: Val[]): number[] => items.flatMap((v) => (isFloat(v) && Number.isInteger(r.plain(v)) ? [r.plain(v) as number] : []));
  if (spec.distribution === 'constant') {
    const values = written([get('value')!]);
    return values.length > 0 ? { values } : undefined;
  }
  if (spec.distribution === 'categorical') {
    const values = written(r.items(get('values')!, 'values') ?? []);
    return values.length > 0 ? { values } : undefined;
  }
  if (!('q' in spec)) return undefined;
  const arange = method === 'grid' && spec.distribution === 'q_uniform' && (isFloat(get('min')) || isFloat(get('max')));
  return isFloat(get('q')) || arange ? {} : undefined;
}

/** W&B reads sweep files with PyYAML (YAML 1.1): `yes`/`no`/`on`/`off` are booleans there, strings here. */
function warnYaml11(r: NodeReader, val: Val): void {
  const node = r.resolve(val.node);
  if (isScalar(node) && node.type === 'PLAIN' && typeof node.value === 'string' && YAML11_BOOLEANS.test(node.value)) {
    r.sink.warn(
      val.at,
      val.path,
      `${node.value} is the string "${node.value}" here (YAML 1.2) but a boolean in W&B (PyYAML, YAML 1.1); quote it or write true/false`,
    );
  }
}

/** A number for a message: at most 4 significant digits, no float noise. */
export function compact(x: number): string {
  return formatNumber(x, { digits: 4 });
}
