import { describe, expect, it } from 'vitest';
import { fitKernel, kernelObjective } from '../../../src/search/bayes/fit-kernel.js';
import { GaussianProcess } from '../../../src/search/bayes/gaussian-process.js';
import { logH } from '../../../src/search/bayes/log-expected-improvement.js';
import { kernelRow } from '../../../src/search/bayes/matern52.js';
import { PackedCholesky } from '../../../src/search/bayes/packed-cholesky.js';
import { createRng } from '../../../src/space/rng.js';

function data(n: number, dims: number, f: (x: number[]) => number): { x: Float64Array; y: Float64Array } {
  const rng = createRng('gp-test', n, dims);
  const x = Float64Array.from({ length: n * dims }, () => rng.next());
  const raw = Float64Array.from({ length: n }, (_, i) => f(Array.from(x.subarray(i * dims, (i + 1) * dims))));
  const mean = raw.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return { x, y: raw.map((v) => (v - mean) / sd) };
}

describe('kernel fit', () => {
  it('has an analytic gradient that matches finite differences', () => {
    const dims = 3;
    const { x, y } = data(25, dims, (v) => Math.sin(4 * v[0]!) + v[1]! ** 2);
    const objective = kernelObjective(x, y, 25, dims);
    const theta = Float64Array.from([-1, 0.2, 0.8, 0.1, Math.log(1e-3)]);
    const grad = new Float64Array(theta.length);
    objective(theta, grad);
    const scratch = new Float64Array(theta.length);
    for (let k = 0; k < theta.length; k++) {
      const h = 1e-5;
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[k] += h;
      down[k] -= h;
      const numeric = (objective(up, scratch) - objective(down, scratch)) / (2 * h);
      expect(grad[k]!).toBeCloseTo(numeric, 3);
    }
  });

  it('learns a short lengthscale for the coordinate that matters and a long one for the one that does not', () => {
    const { x, y } = data(40, 2, (v) => Math.sin(6 * v[0]!));
    const params = fitKernel(x, y, 40, 2, createRng('fit'));
    expect(params.lengthscales[0]!).toBeLessThan(params.lengthscales[1]! / 3);
    expect(params.noiseVariance).toBeLessThan(0.01);
  });
});

describe('GaussianProcess', () => {
  it('interpolates its data and is uncertain far from it', () => {
    const { x, y } = data(30, 2, (v) => Math.cos(3 * v[0]!) + v[1]!);
    const params = fitKernel(x, y, 30, 2, createRng('fit'));
    const gp = new GaussianProcess(params, 2, x, y, 30);
    const mean = new Float64Array(30);
    const variance = new Float64Array(30);
    gp.predict(x, 30, mean, variance);
    for (let i = 0; i < 30; i++) expect(mean[i]!).toBeCloseTo(y[i]!, 2);
    const far = new Float64Array([1e3, 1e3]); // many lengthscales away
    const m = new Float64Array(1);
    const v = new Float64Array(1);
    gp.predict(far, 1, m, v);
    expect(v[0]!).toBeGreaterThan(0.9 * params.signalVariance);
  });

  it('a fantasy removes the uncertainty at its point', () => {
    const { x, y } = data(10, 1, (v) => v[0]! ** 2);
    const gp = new GaussianProcess(fitKernel(x, y, 10, 1, createRng('fit')), 1, x, y, 10);
    const at = new Float64Array([0.987]);
    const m = new Float64Array(1);
    const before = new Float64Array(1);
    const after = new Float64Array(1);
    gp.predict(at, 1, m, before);
    gp.add(at, m[0]!, true);
    gp.predict(at, 1, m, after);
    expect(after[0]!).toBeLessThan(before[0]! * 1e-3);
  });
});

describe('PackedCholesky', () => {
  it('solves K x = b after growing row by row', () => {
    const n = 12;
    const rng = createRng('chol');
    const a = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.next() - 0.5));
    const k = (i: number, j: number): number => a[i]!.reduce((s, v, t) => s + v * a[j]![t]!, 0) + (i === j ? 0.5 : 0);
    const chol = new PackedCholesky(2);
    for (let i = 0; i < n; i++) chol.append(Float64Array.from({ length: i }, (_, j) => k(i, j)), k(i, i));
    const b = Float64Array.from({ length: n }, () => rng.next());
    const sol = Float64Array.from(b);
    chol.solveLower(sol);
    chol.solveUpper(sol);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += k(i, j) * sol[j]!;
      expect(s).toBeCloseTo(b[i]!, 9);
    }
  });

  // n spans several tiles and the batches cut across tile boundaries
  const n = 150;
  const dims = 3;
  const rng = createRng('chol-blocked');
  const x = Float64Array.from({ length: n * dims }, () => rng.next());
  const params = { lengthscales: Float64Array.from([0.3, 0.5, 0.8]), signalVariance: 1.3, noiseVariance: 1e-6 };
  const kernel = (i: number, j: number): number => {
    const out = new Float64Array(1);
    kernelRow(params, dims, x, i * dims, x.subarray(j * dims), 1, out);
    return out[0]! + (i === j ? params.noiseVariance : 0);
  };
  const fill = (row: Float64Array, i: number): void => {
    for (let j = 0; j <= i; j++) row[j] = kernel(i, j);
  };

  it('factors rows in batches bit for bit as it does one row at a time (the memo relies on it)', () => {
    const oneByOne = new PackedCholesky(4);
    for (let i = 0; i < n; i++) oneByOne.append(Float64Array.from({ length: i }, (_, j) => kernel(i, j)), kernel(i, i));
    for (const batches of [[n], [1, 48, 100, 1], [37, 37, 37, 39], [95, 5, 50]]) {
      const batched = new PackedCholesky(4);
      for (const count of batches) batched.appendRows(count, fill);
      expect(batched.size).toBe(n);
      for (let i = 0; i < n; i++) expect(Array.from(batched.row(i))).toEqual(Array.from(oneByOne.row(i)));
    }
  });

  it('solves many right-hand sides (one per row) as it solves one', () => {
    const chol = new PackedCholesky();
    chol.appendRows(n, fill);
    const m = 7; // four at a time and a rest of three
    const stride = n + 3;
    const b = Float64Array.from({ length: m * stride }, () => rng.next() - 0.5);
    const many = Float64Array.from(b);
    chol.solveLowerRows(many, m, stride);
    for (let c = 0; c < m; c++) {
      const one = b.slice(c * stride, c * stride + n);
      chol.solveLower(one);
      for (let i = 0; i < n; i++) expect(many[c * stride + i]!).toBeCloseTo(one[i]!, 8);
    }
  });

  it('inverts K and gives its log determinant (the kernel fit uses both)', () => {
    const m = 60; // more than one tile
    const chol = new PackedCholesky();
    chol.appendRows(m, fill);
    const inv = new Float64Array(m * m);
    chol.inverse(inv, new Float64Array(m * m));
    for (const [i, j] of [[0, 0], [3, 17], [59, 59], [40, 2]] as const) {
      let s = 0;
      for (let t = 0; t < m; t++) s += kernel(i, t) * inv[t * m + j]!;
      expect(s).toBeCloseTo(i === j ? 1 : 0, 6);
    }
    // det of a 2×2 block by hand: the first two rows of K
    const two = new PackedCholesky();
    two.appendRows(2, fill);
    expect(two.logDeterminant()).toBeCloseTo(Math.log(kernel(0, 0) * kernel(1, 1) - kernel(0, 1) ** 2), 10);
    expect(chol.clampedPivots).toBe(0);
  });

  it('counts the pivots it had to jitter on a singular matrix', () => {
    const chol = new PackedCholesky();
    chol.append(new Float64Array(0), 1);
    chol.append(Float64Array.of(1), 1); // the same point twice, no noise
    expect(chol.clampedPivots).toBe(1);
  });
});

describe('logH (log EI for a unit normal)', () => {
  const direct = (z: number): number => {
    // h(z) = ∫_{-∞}^{z} Φ(s) ds, by the trapezoid rule on a fine grid (reference only)
    let s = 0;
    const lo = z - 12;
    const steps = 200000;
    const dx = (z - lo) / steps;
    const phi = (t: number): number => 0.5 * erfc(-t / Math.SQRT2);
    for (let i = 0; i <= steps; i++) s += (i === 0 || i === steps ? 0.5 : 1) * phi(lo + i * dx);
    return Math.log(s * dx);
  };
  it('matches the integral across the branch at z = −1 and stays finite far below', () => {
    for (const z of [1, 0, -0.99, -1.01, -3, -6]) expect(logH(z)).toBeCloseTo(direct(z), 3);
    expect(logH(-40)).toBeCloseTo(-0.5 * 1600 - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(40), 2);
    expect(Number.isFinite(logH(-1e4))).toBe(true);
  });
});

/** erfc by its continued fraction / series (test reference). */
function erfc(x: number): number {
  // W. J. Cody-grade accuracy is not needed here: Numerical Recipes' erfcc (1.2e-7)
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
