/** Each distribution against its W&B definition, statistically: fixed seeds, tolerant bounds. */
import { mean, quantile, standardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import type { ParameterSpec } from '../../src/config/types.js';
import { createRng } from '../../src/space/rng.js';
import { sampleParameter } from '../../src/space/sample-parameter.js';

const N = 20_000;
function draws(spec: ParameterSpec, seed = 1): number[] {
  const rng = createRng(seed, 'test', spec.distribution);
  return Array.from({ length: N }, () => sampleParameter(spec, rng) as number);
}
const frequencies = (xs: readonly unknown[]): Map<unknown, number> => {
  const m = new Map<unknown, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1 / xs.length);
  return m;
};
const isMultiple = (v: number, q: number): boolean => Math.abs(v / q - Math.round(v / q)) < 1e-9;

describe('sampleParameter', () => {
  it('constant gives its value', () => {
    expect(sampleParameter({ distribution: 'constant', value: { a: [1, 'x'] } }, createRng(1))).toEqual({ a: [1, 'x'] });
  });

  it('categorical is uniform over values', () => {
    const rng = createRng(2);
    const f = frequencies(Array.from({ length: N }, () => sampleParameter({ distribution: 'categorical', values: ['a', 1, true, null] }, rng)));
    expect([...f.keys()].sort()).toEqual([1, 'a', null, true].sort());
    for (const p of f.values()) expect(p).toBeCloseTo(0.25, 1);
  });

  it('categorical follows probabilities (W&B: first cumulative above the draw)', () => {
    const rng = createRng(3);
    const spec: ParameterSpec = { distribution: 'categorical', values: ['a', 'b', 'c'], probabilities: [0.6, 0.3, 0.1] };
    const f = frequencies(Array.from({ length: N }, () => sampleParameter(spec, rng)));
    expect(f.get('a')).toBeCloseTo(0.6, 1);
    expect(f.get('b')).toBeCloseTo(0.3, 1);
    expect(f.get('c')).toBeGreaterThan(0.08);
    expect(f.get('c')).toBeLessThan(0.12);
  });

  it('int_uniform covers min..max inclusive with integers, evenly', () => {
    const xs = draws({ distribution: 'int_uniform', min: -2, max: 2 });
    expect(xs.every(Number.isInteger)).toBe(true);
    const f = frequencies(xs);
    expect([...f.keys()].sort((a, b) => (a as number) - (b as number))).toEqual([-2, -1, 0, 1, 2]);
    for (const p of f.values()) expect(Math.abs(p - 0.2)).toBeLessThan(0.02);
  });

  it('uniform: bounds, mean and quartiles', () => {
    const xs = draws({ distribution: 'uniform', min: 2, max: 5 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...xs)).toBeLessThan(5);
    expect(mean(xs)).toBeCloseTo(3.5, 1);
    expect(quantile(xs, 0.25)).toBeCloseTo(2.75, 1);
  });

  it('q_uniform rounds to multiples of q (edge cells half as likely), integers when q is', () => {
    const xs = draws({ distribution: 'q_uniform', min: 0, max: 10, q: 2.5 });
    const f = frequencies(xs);
    expect([...f.keys()].sort((a, b) => (a as number) - (b as number))).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(f.get(0)).toBeCloseTo(0.125, 1);
    expect(f.get(5)).toBeCloseTo(0.25, 1);
    const ints = draws({ distribution: 'q_uniform', min: 0, max: 100, q: 5 });
    expect(ints.every((x) => Number.isInteger(x) && x % 5 === 0)).toBe(true);
  });

  it('q values carry no float noise (0.1 * 3 reads 0.3)', () => {
    const xs = draws({ distribution: 'q_uniform', min: 0, max: 1, q: 0.1 });
    expect(new Set(xs)).toEqual(new Set([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]));
  });

  it('q values stay inside the bounds when a multiple of q lies inside (min 8, q 16 never gives 0)', () => {
    const xs = draws({ distribution: 'q_uniform', min: 8, max: 130, q: 16 });
    expect(Math.min(...xs)).toBe(16);
    expect(Math.max(...xs)).toBe(128);
  });

  it('log_uniform: bounds are natural-log exponents; log(x) is uniform', () => {
    const xs = draws({ distribution: 'log_uniform', min: -5, max: 0 });
    const logs = xs.map(Math.log);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(Math.exp(-5));
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    expect(mean(logs)).toBeCloseTo(-2.5, 1);
    expect(quantile(logs, 0.1)).toBeCloseTo(-4.5, 1);
  });

  it('log_uniform_values: bounds are values; log10(x) is uniform', () => {
    const xs = draws({ distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 });
    const logs = xs.map(Math.log10);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1e-1);
    expect(mean(logs)).toBeCloseTo(-2.5, 1);
    expect(quantile(logs, 0.5)).toBeCloseTo(-2.5, 1);
  });

  it('q_log_uniform: exp(uniform(min, max)) rounded to q', () => {
    const xs = draws({ distribution: 'q_log_uniform', min: Math.log(4), max: Math.log(1024), q: 4 });
    expect(xs.every((x) => Number.isInteger(x) && x % 4 === 0 && x >= 4 && x <= 1024)).toBe(true);
    expect(quantile(xs, 0.5)).toBeGreaterThan(56); // log-uniform median is 64
    expect(quantile(xs, 0.5)).toBeLessThan(72);
  });

  it('q_log_uniform_values: log-uniform in value bounds, rounded to q', () => {
    const xs = draws({ distribution: 'q_log_uniform_values', min: 16, max: 1024, q: 16 });
    expect(xs.every((x) => Number.isInteger(x) && x % 16 === 0 && x >= 16 && x <= 1024)).toBe(true);
    expect(quantile(xs, 0.5)).toBeGreaterThanOrEqual(112); // median 128
    expect(quantile(xs, 0.5)).toBeLessThanOrEqual(144);
  });

  it('inv_log_uniform: exp(-U), U ~ uniform(min, max) (W&B)', () => {
    const xs = draws({ distribution: 'inv_log_uniform', min: 1, max: 3 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(Math.exp(-3));
    expect(Math.max(...xs)).toBeLessThanOrEqual(Math.exp(-1));
    expect(mean(xs.map((x) => -Math.log(x)))).toBeCloseTo(2, 1);
  });

  it('inv_log_uniform_values: values in [min, max], log(x) uniform', () => {
    const xs = draws({ distribution: 'inv_log_uniform_values', min: 0.01, max: 1 });
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0.01);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1);
    expect(mean(xs.map(Math.log10))).toBeCloseTo(-1, 1);
    expect(quantile(xs.map(Math.log10), 0.25)).toBeCloseTo(-1.5, 1);
  });

  it('normal: mean, standard deviation, one-sigma quantile', () => {
    const xs = draws({ distribution: 'normal', mu: 1, sigma: 2 });
    expect(mean(xs)).toBeCloseTo(1, 1);
    expect(standardDeviation(xs)).toBeCloseTo(2, 1);
    expect(quantile(xs, 0.8413)).toBeCloseTo(3, 0);
    expect(Math.abs(quantile(xs, 0.8413) - 3)).toBeLessThan(0.1);
  });

  it('q_normal: multiples of q around mu', () => {
    const xs = draws({ distribution: 'q_normal', mu: 0, sigma: 1, q: 0.5 });
    expect(xs.every((x) => isMultiple(x, 0.5))).toBe(true);
    expect(Math.abs(mean(xs))).toBeLessThan(0.05);
    const atZero = frequencies(xs).get(0)!; // round(Z / 0.5) = 0 when |Z| < 0.25: P ≈ 0.197
    expect(atZero).toBeGreaterThan(0.18);
    expect(atZero).toBeLessThan(0.215);
  });

  it('log_normal: log(x) ~ normal(mu, sigma)', () => {
    const xs = draws({ distribution: 'log_normal', mu: 0.5, sigma: 0.3 });
    expect(Math.min(...xs)).toBeGreaterThan(0);
    const logs = xs.map(Math.log);
    expect(mean(logs)).toBeCloseTo(0.5, 1);
    expect(standardDeviation(logs)).toBeCloseTo(0.3, 1);
  });

  it('q_log_normal: positive multiples of q (or 0)', () => {
    const xs = draws({ distribution: 'q_log_normal', mu: 3, sigma: 0.5, q: 2 });
    expect(xs.every((x) => Number.isInteger(x) && x % 2 === 0 && x >= 0)).toBe(true);
    expect(quantile(xs, 0.5)).toBeGreaterThanOrEqual(18); // median e^3 ≈ 20.1
    expect(quantile(xs, 0.5)).toBeLessThanOrEqual(22);
  });

  it.each([
    [2, 5],
    [0.5, 0.5],
    [0.2, 3],
    [30, 10],
  ])('beta(%d, %d): mean and variance', (a, b) => {
    const xs = draws({ distribution: 'beta', a, b });
    expect(xs.every((x) => x >= 0 && x <= 1)).toBe(true);
    const m = a / (a + b);
    const v = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(mean(xs) - m)).toBeLessThan(0.01);
    expect(Math.abs(standardDeviation(xs) ** 2 - v) / v).toBeLessThan(0.06);
  });

  it('q_beta: multiples of q in [0, 1]', () => {
    const xs = draws({ distribution: 'q_beta', a: 2, b: 2, q: 0.1 });
    expect(xs.every((x) => x >= 0 && x <= 1 && isMultiple(x, 0.1))).toBe(true);
    expect(mean(xs)).toBeCloseTo(0.5, 1);
    expect(xs).not.toContain(0.30000000000000004);
  });

  it('nested gives an object in file order', () => {
    const value = sampleParameter(
      { distribution: 'nested', parameters: { z: { distribution: 'constant', value: 1 }, a: { distribution: 'int_uniform', min: 0, max: 3 } } },
      createRng(1),
    );
    expect(Object.keys(value as object)).toEqual(['z', 'a']);
  });

  it('is deterministic for a seed', () => {
    const spec: ParameterSpec = { distribution: 'beta', a: 0.7, b: 3 };
    expect(draws(spec, 5).slice(0, 50)).toEqual(draws(spec, 5).slice(0, 50));
    expect(draws(spec, 5).slice(0, 50)).not.toEqual(draws(spec, 6).slice(0, 50));
  });
});

describe('sampleParameter at the edges of log bounds', () => {
  it('never leaves [min, max] although exp(log(0.1)) is 0.10000000000000002', () => {
    const top = { next: () => 1 - 2 ** -53 }; // the largest draw rng.next() can give
    const bottom = { next: () => 0 };
    expect(Math.exp(Math.log(0.1))).toBeGreaterThan(0.1);
    for (const rng of [top, bottom]) {
      const a = sampleParameter({ distribution: 'log_uniform_values', min: 0.001, max: 0.1 }, rng) as number;
      const b = sampleParameter({ distribution: 'inv_log_uniform_values', min: 0.001, max: 0.1 }, rng) as number;
      for (const v of [a, b]) {
        expect(v).toBeGreaterThanOrEqual(0.001);
        expect(v).toBeLessThanOrEqual(0.1);
      }
    }
  });
});
