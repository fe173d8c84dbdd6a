import { describe, expect, it } from 'vitest';
import { kernelRow, matern52, matern52Slope } from '../../../src/search/bayes/matern52.js';

describe('matern52', () => {
  it('is 1 at distance 0 and follows (1 + √5r + 5r²/3)e^(−√5r)', () => {
    expect(matern52(0)).toBe(1);
    // r = 1/√5: (1 + 1 + 1/3) e^(−1)
    expect(matern52(1 / Math.sqrt(5))).toBeCloseTo((7 / 3) * Math.exp(-1), 14);
    expect(matern52(10)).toBeLessThan(1e-7);
  });

  it('has the slope the kernel fit differentiates with: −(1/r) dk/dr', () => {
    for (const r of [0.05, 0.4, 1, 2.5]) {
      const h = 1e-6;
      const dkdr = (matern52(r + h) - matern52(r - h)) / (2 * h);
      expect(matern52Slope(r)).toBeCloseTo(-dkdr / r, 6);
    }
  });

  it('kernelRow scales by the lengthscales and the signal variance', () => {
    const params = { lengthscales: Float64Array.of(0.5, 2), signalVariance: 3, noiseVariance: 0 };
    const x = Float64Array.of(0, 0);
    const b = Float64Array.of(0.5, 0, 0, 2, 0.5, 2, 0, 0, 1, 1);
    const out = new Float64Array(5);
    kernelRow(params, 2, x, 0, b, 5, out);
    expect(out[0]!).toBeCloseTo(3 * matern52(1), 14);
    expect(out[1]!).toBeCloseTo(3 * matern52(1), 14);
    expect(out[2]!).toBeCloseTo(3 * matern52(Math.SQRT2), 14);
    expect(out[3]!).toBe(3);
    expect(out[4]!).toBeCloseTo(3 * matern52(Math.sqrt(4 + 0.25)), 14);
  });
});
