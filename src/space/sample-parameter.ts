/**
 * Sampling one parameter exactly as W&B's sweeps (`params.py`, `HyperParameter.ppf`) defines
 * each distribution. Bounds of `log_uniform`, `q_log_uniform` and `inv_log_uniform` are natural-log
 * exponents; `*_values` bounds are the values. q-values are `round(x / q) * q`, integers when q is.
 */
import type { ParamValue, ParameterSpec } from '../config/types.js';
import type { Rng } from './rng.js';
import { quantize } from './quantize.js';
import { sampleBeta, sampleStandardNormal } from './random-variates.js';

/** One value of the parameter; a nested parameter gives an object. */
export function sampleParameter(spec: ParameterSpec, rng: Rng): ParamValue {
  switch (spec.distribution) {
    case 'constant':
      return spec.value;
    case 'categorical':
      return spec.values[categoricalIndex(spec.values.length, spec.probabilities, rng.next())] as ParamValue;
    case 'int_uniform':
      // scipy randint(min, max + 1): every integer of [min, max] equally likely.
      return Math.min(spec.max, spec.min + Math.floor(rng.next() * (spec.max - spec.min + 1)));
    case 'uniform':
      return uniform(spec.min, spec.max, rng);
    case 'q_uniform':
      return quantize(uniform(spec.min, spec.max, rng), spec.q, spec);
    case 'log_uniform':
      return clamp(Math.exp(uniform(spec.min, spec.max, rng)), Math.exp(spec.min), Math.exp(spec.max));
    case 'log_uniform_values':
      return clamp(Math.exp(uniform(Math.log(spec.min), Math.log(spec.max), rng)), spec.min, spec.max);
    case 'q_log_uniform':
      return quantize(Math.exp(uniform(spec.min, spec.max, rng)), spec.q, { min: Math.exp(spec.min), max: Math.exp(spec.max) });
    case 'q_log_uniform_values':
      return quantize(Math.exp(uniform(Math.log(spec.min), Math.log(spec.max), rng)), spec.q, spec);
    case 'inv_log_uniform':
      // W&B: exp(-U), U ~ uniform(min, max): values in [exp(-max), exp(-min)].
      return clamp(Math.exp(-uniform(spec.min, spec.max, rng)), Math.exp(-spec.max), Math.exp(-spec.min));
    case 'inv_log_uniform_values':
      // W&B: the exponent form with min' = -log(max), max' = -log(min): values in [min, max].
      return clamp(Math.exp(-uniform(-Math.log(spec.max), -Math.log(spec.min), rng)), spec.min, spec.max);
    case 'normal':
      return spec.mu + spec.sigma * sampleStandardNormal(rng);
    case 'q_normal':
      return quantize(spec.mu + spec.sigma * sampleStandardNormal(rng), spec.q);
    case 'log_normal':
      // scipy lognorm(s = sigma, scale = exp(mu)).
      return Math.exp(spec.mu + spec.sigma * sampleStandardNormal(rng));
    case 'q_log_normal':
      return quantize(Math.exp(spec.mu + spec.sigma * sampleStandardNormal(rng)), spec.q);
    case 'beta':
      return sampleBeta(spec.a, spec.b, rng);
    case 'q_beta':
      return quantize(sampleBeta(spec.a, spec.b, rng), spec.q, { min: 0, max: 1 });
    case 'nested': {
      // Every inner parameter in file order, depth-first (sample-config.ts samples a whole space this way).
      const inner: { [name: string]: ParamValue } = {};
      for (const [name, s] of Object.entries(spec.parameters)) inner[name] = sampleParameter(s, rng);
      return inner;
    }
  }
}

/** exp(log(x)) can land an ulp outside [min, max]; keep the value inside the bounds it was drawn in. */
function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

function uniform(min: number, max: number, rng: Rng): number {
  return min + rng.next() * (max - min);
}

/**
 * The index a uniform draw `u` selects: uniform over the values, or by `probabilities` as W&B
 * (the first index whose cumulative probability exceeds u; the last if rounding leaves a gap).
 */
export function categoricalIndex(length: number, probabilities: readonly number[] | undefined, u: number): number {
  if (!probabilities) return Math.min(length - 1, Math.floor(u * length));
  let cumulative = 0;
  for (let i = 0; i < length; i++) {
    cumulative += probabilities[i] ?? 0;
    if (u < cumulative) return i;
  }
  return length - 1;
}
