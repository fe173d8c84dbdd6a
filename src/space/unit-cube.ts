/**
 * The unit-cube view of a parameter space, used by model-based search (bayes): a config is
 * encoded as a vector in [0,1]^d and any vector decodes to a valid config.
 *
 * Per distribution (one coordinate each unless said otherwise):
 * - uniform, q_uniform, int_uniform: linear in the value; int_uniform gives each integer an
 *   equal slice; q_* round as the sampler does (quantize.ts: a multiple of q inside the bounds).
 * - log_uniform(_values), q_log_uniform(_values), inv_log_uniform(_values): linear in ln(value).
 * - normal, q_normal, log_normal, q_log_normal: through the normal CDF, so [0,1] covers
 *   mu ± 3 sigma (in ln(value) for log_normal) and uniform points follow the prior.
 * - beta, q_beta: the value itself (it lies in [0,1]).
 * - categorical: one coordinate per value (one-hot); decoding takes the largest.
 * - constant: no coordinate; nested: flattened in declaration order.
 * `decode(encode(c))` equals `c` for any valid config; `encode(decode(u))` is the projection of
 * `u` onto the points that are configs (what the GP sees).
 */
import { errorFunction } from 'simple-statistics';
import type { Config, ParamValue, ParameterSpace, ParameterSpec } from '../config/types.js';
import { canonicalJson } from './config-hash.js';
import { valueAtPath } from './flatten-space.js';
import { quantize as quantizeTo } from './quantize.js';

/** One searched (non-constant) parameter and its coordinates. */
export interface UnitCubeSlot {
  /** Path of names from the top of the space, e.g. ['optimizer', 'lr']. */
  path: string[];
  spec: Exclude<ParameterSpec, { distribution: 'constant' | 'nested' }>;
  /** First coordinate and how many (categorical: one per value). */
  offset: number;
  width: number;
}

export interface UnitCube {
  /** Number of coordinates. */
  dims: number;
  slots: UnitCubeSlot[];
  encode(config: Config): Float64Array;
  /** Values outside [0,1] are clamped. */
  decode(u: ArrayLike<number>): Config;
}

const SIGMAS = 3;

/** The unit-cube transform of a space (see the file comment for the mapping). */
export function unitCube(space: ParameterSpace): UnitCube {
  const slots: UnitCubeSlot[] = [];
  let dims = 0;
  const walk = (params: ParameterSpace, prefix: string[]): void => {
    for (const [name, spec] of Object.entries(params)) {
      if (spec.distribution === 'constant') continue;
      if (spec.distribution === 'nested') {
        walk(spec.parameters, [...prefix, name]);
        continue;
      }
      const width = spec.distribution === 'categorical' ? spec.values.length : 1;
      slots.push({ path: [...prefix, name], spec, offset: dims, width });
      dims += width;
    }
  };
  walk(space, []);

  const encode = (config: Config): Float64Array => {
    const u = new Float64Array(dims);
    for (const slot of slots) encodeSlot(slot, valueAtPath(config, slot.path), u);
    return u;
  };

  const decode = (u: ArrayLike<number>): Config => {
    const out: Config = {};
    fillConstants(space, out);
    for (const slot of slots) assign(out, slot.path, decodeSlot(slot, u));
    return out;
  };

  return { dims, slots, encode, decode };
}

function assign(config: Config, path: string[], value: ParamValue): void {
  let cur: Config = config;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = cur[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[key] = {};
    cur = cur[key] as Config;
  }
  cur[path[path.length - 1]!] = value;
}

/** Constants and nested objects, with every key in declaration order. */
function fillConstants(space: ParameterSpace, out: Config): void {
  for (const [name, spec] of Object.entries(space)) {
    if (spec.distribution === 'constant') out[name] = spec.value;
    else if (spec.distribution === 'nested') {
      const inner: Config = {};
      fillConstants(spec.parameters, inner);
      out[name] = inner;
    } else out[name] = null; // placeholder: keeps the declaration order of keys

  }
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0.5);

/** Bounds of a slot on its linear axis: value, ln(value), or standard-normal z. */
function axis(spec: UnitCubeSlot['spec']): { kind: 'linear' | 'log' | 'normal' | 'lognormal'; lo: number; hi: number } {
  switch (spec.distribution) {
    case 'uniform':
    case 'q_uniform':
      return { kind: 'linear', lo: spec.min, hi: spec.max };
    case 'int_uniform':
      return { kind: 'linear', lo: spec.min - 0.5, hi: spec.max + 0.5 };
    case 'log_uniform':
    case 'q_log_uniform':
      return { kind: 'log', lo: spec.min, hi: spec.max };
    case 'log_uniform_values':
    case 'q_log_uniform_values':
    case 'inv_log_uniform_values':
      return { kind: 'log', lo: Math.log(spec.min), hi: Math.log(spec.max) };
    case 'inv_log_uniform':
      // W&B: the value is 1/X with ln(X) uniform in [min, max].
      return { kind: 'log', lo: -spec.max, hi: -spec.min };
    case 'normal':
    case 'q_normal':
      return { kind: 'normal', lo: spec.mu, hi: spec.sigma };
    case 'log_normal':
    case 'q_log_normal':
      return { kind: 'lognormal', lo: spec.mu, hi: spec.sigma };
    case 'beta':
    case 'q_beta':
      return { kind: 'linear', lo: 0, hi: 1 };
    case 'categorical':
      return { kind: 'linear', lo: 0, hi: 1 };
  }
}

const P_LO = normalCdf(-SIGMAS);
const P_HI = normalCdf(SIGMAS);

function encodeSlot(slot: UnitCubeSlot, value: ParamValue | undefined, u: Float64Array): void {
  const { spec, offset } = slot;
  if (spec.distribution === 'categorical') {
    const key = value === undefined ? undefined : canonicalJson(value);
    spec.values.forEach((v, i) => {
      u[offset + i] = key !== undefined && canonicalJson(v) === key ? 1 : 0;
    });
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    u[offset] = 0.5;
    return;
  }
  const ax = axis(spec);
  let t: number;
  switch (ax.kind) {
    case 'linear':
      t = ax.hi > ax.lo ? (value - ax.lo) / (ax.hi - ax.lo) : 0.5;
      break;
    case 'log':
      t = value > 0 && ax.hi > ax.lo ? (Math.log(value) - ax.lo) / (ax.hi - ax.lo) : value > 0 ? 0.5 : 0;
      break;
    case 'normal':
    case 'lognormal': {
      const x = ax.kind === 'normal' ? value : value > 0 ? Math.log(value) : -Infinity;
      const z = ax.hi > 0 ? (x - ax.lo) / ax.hi : 0;
      t = (normalCdf(z) - P_LO) / (P_HI - P_LO);
      break;
    }
  }
  u[offset] = clamp01(t);
}

function decodeSlot(slot: UnitCubeSlot, u: ArrayLike<number>): ParamValue {
  const { spec, offset } = slot;
  if (spec.distribution === 'categorical') {
    let best = 0;
    for (let i = 1; i < slot.width; i++) if (clamp01(u[offset + i]!) > clamp01(u[offset + best]!)) best = i;
    return spec.values[best]!;
  }
  const t = clamp01(u[offset]!);
  const ax = axis(spec);
  switch (spec.distribution) {
    case 'uniform':
      return ax.lo + t * (ax.hi - ax.lo);
    case 'int_uniform':
      return Math.min(spec.max, Math.max(spec.min, Math.floor(ax.lo + 0.5 + t * (ax.hi - ax.lo))));
    case 'q_uniform':
      return quantize(ax.lo + t * (ax.hi - ax.lo), spec.q, spec.min, spec.max);
    case 'log_uniform':
    case 'log_uniform_values':
    case 'inv_log_uniform':
    case 'inv_log_uniform_values': {
      const b = valueBounds(spec);
      return snapToBounds(clampTo(Math.exp(ax.lo + t * (ax.hi - ax.lo)), b.min, b.max), b);
    }
    case 'q_log_uniform':
    case 'q_log_uniform_values': {
      const b = valueBounds(spec);
      return quantize(Math.exp(ax.lo + t * (ax.hi - ax.lo)), spec.q, b.min, b.max);
    }
    case 'normal':
      return ax.lo + ax.hi * normalQuantile(P_LO + t * (P_HI - P_LO));
    case 'q_normal':
      return quantize(ax.lo + ax.hi * normalQuantile(P_LO + t * (P_HI - P_LO)), spec.q);
    case 'log_normal':
      return Math.exp(ax.lo + ax.hi * normalQuantile(P_LO + t * (P_HI - P_LO)));
    case 'q_log_normal':
      return quantize(Math.exp(ax.lo + ax.hi * normalQuantile(P_LO + t * (P_HI - P_LO))), spec.q);
    case 'beta':
      return t;
    case 'q_beta':
      return quantize(t, spec.q, 0, 1);
  }
}

/** W&B's q-rounding (quantize.ts), kept inside [lo, hi] when a multiple fits there. */
function quantize(x: number, q: number, lo?: number, hi?: number): number {
  return quantizeTo(x, q, lo !== undefined && hi !== undefined ? { min: lo, max: hi } : undefined);
}

/** A bound itself where x is within rounding of it: exp(log(1e-6)) is 1.0000000000000004e-6, which a user would see. */
function snapToBounds(x: number, b: { min: number; max: number }): number {
  if (Math.abs(x - b.min) <= 1e-12 * Math.abs(b.min)) return b.min;
  if (Math.abs(x - b.max) <= 1e-12 * Math.abs(b.max)) return b.max;
  return x;
}

/** The value range of a log-scale distribution (the `*_values` bounds as given, not exp(log(x))). */
function valueBounds(spec: { distribution: string; min: number; max: number }): { min: number; max: number } {
  switch (spec.distribution) {
    case 'log_uniform':
    case 'q_log_uniform':
      return { min: Math.exp(spec.min), max: Math.exp(spec.max) };
    case 'inv_log_uniform':
      return { min: Math.exp(-spec.max), max: Math.exp(-spec.min) };
    default:
      return { min: spec.min, max: spec.max };
  }
}

function clampTo(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

function normalCdf(z: number): number {
  if (z === -Infinity) return 0;
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/** Acklam's rational approximation of the standard normal quantile, refined by one Halley step. */
function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
