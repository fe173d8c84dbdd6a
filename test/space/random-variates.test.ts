import { mean, variance } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { sampleGamma, sampleStandardNormal } from '../../src/space/random-variates.js';
import { createRng } from '../../src/space/rng.js';

describe('random variates', () => {
  it('standard normal has mean 0, variance 1 and symmetric tails', () => {
    const rng = createRng('normal');
    const xs = Array.from({ length: 20_000 }, () => sampleStandardNormal(rng));
    expect(Math.abs(mean(xs))).toBeLessThan(0.03);
    expect(Math.abs(variance(xs) - 1)).toBeLessThan(0.04);
    const beyond = xs.filter((x) => Math.abs(x) > 1.96).length / xs.length;
    expect(beyond).toBeGreaterThan(0.04);
    expect(beyond).toBeLessThan(0.06);
  });

  it.each([0.3, 1, 2.5, 9])('gamma(%d) has mean and variance equal to its shape (Marsaglia–Tsang)', (shape) => {
    const rng = createRng('gamma', shape);
    const xs = Array.from({ length: 20_000 }, () => sampleGamma(shape, rng));
    expect(xs.every((x) => x >= 0 && Number.isFinite(x))).toBe(true);
    expect(Math.abs(mean(xs) - shape) / shape).toBeLessThan(0.04);
    expect(Math.abs(variance(xs) - shape) / shape).toBeLessThan(0.1);
  });
});
