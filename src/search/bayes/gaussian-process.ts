/**
 * A Gaussian process posterior with fixed kernel hyperparameters that grows one point at a
 * time (observations, then fantasies for pending runs and earlier proposals of a batch).
 * Zero prior mean: outputs are standardized before they come here.
 */
import { inverseSquaredLengthscales, kernelRow, matern52, type KernelParams } from './matern52.js';
import { PackedCholesky } from './packed-cholesky.js';

/** Candidates predicted per block: the block's kernel matrix is BLOCK × n (a candidate per row). */
const BLOCK = 64;

export class GaussianProcess {
  readonly dims: number;
  readonly params: KernelParams;
  private x: Float64Array;
  private y: Float64Array;
  private chol: PackedCholesky;
  private alpha: Float64Array | undefined;
  private scratch = new Float64Array(0);

  /**
   * `chol` may already hold the factor of the first `chol.size` rows of `x` (a memo); the
   * rest are factored here.
   */
  constructor(params: KernelParams, dims: number, x: Float64Array, y: Float64Array, n: number, chol = new PackedCholesky(n + 8)) {
    this.params = params;
    this.dims = dims;
    this.x = new Float64Array(Math.max(1, n + 8) * dims);
    this.x.set(x.subarray(0, n * dims));
    this.y = new Float64Array(Math.max(1, n + 8));
    this.y.set(y.subarray(0, n));
    this.chol = chol;
    this.chol.truncate(n);
    // every missing row at once: the factorization is blocked (a cold call factors all n)
    const noise = this.params.noiseVariance;
    const diag = params.signalVariance + noise;
    this.chol.appendRows(n - this.chol.size, (row, i) => {
      kernelRow(this.params, dims, this.x, i * dims, this.x, i, row);
      row[i] = diag;
    });
  }

  get size(): number {
    return this.chol.size;
  }

  /**
   * Adds an observation at `point` with standardized value `value`. A fantasy (a pending run's
   * believed value) is added without observation noise: believing it exactly is what makes the
   * next proposal of a batch move away instead of landing next to it.
   */
  add(point: ArrayLike<number>, value: number, fantasy = false): void {
    const n = this.chol.size;
    if ((n + 1) * this.dims > this.x.length) {
      const bigger = new Float64Array(Math.ceil((n + 1) * 1.5 + 8) * this.dims);
      bigger.set(this.x);
      this.x = bigger;
      const by = new Float64Array(Math.ceil((n + 1) * 1.5 + 8));
      by.set(this.y);
      this.y = by;
    }
    for (let d = 0; d < this.dims; d++) this.x[n * this.dims + d] = point[d]!;
    this.y[n] = value;
    this.appendFactorRow(n, fantasy ? Math.min(this.params.noiseVariance, 1e-8 * this.params.signalVariance) : this.params.noiseVariance);
    this.alpha = undefined;
  }

  /** Posterior mean and variance (of the latent function, without noise) at m candidates. */
  predict(candidates: Float64Array, m: number, mean: Float64Array, variance: Float64Array): void {
    const n = this.chol.size;
    const dims = this.dims;
    const alpha = this.getAlpha();
    const s2 = this.params.signalVariance;
    const inv = inverseSquaredLengthscales(this.params);
    if (this.scratch.length < n * BLOCK) this.scratch = new Float64Array(n * BLOCK);
    const kb = this.scratch;
    const x = this.x;
    for (let c0 = 0; c0 < m; c0 += BLOCK) {
      const w = Math.min(BLOCK, m - c0);
      for (let c = 0; c < w; c++) {
        const co = (c0 + c) * dims;
        let mu = 0;
        for (let i = 0; i < n; i++) {
          const xo = i * dims;
          let r2 = 0;
          for (let d = 0; d < dims; d++) {
            const t = x[xo + d]! - candidates[co + d]!;
            r2 += t * t * inv[d]!;
          }
          const kv = s2 * matern52(Math.sqrt(r2));
          kb[c * n + i] = kv;
          mu += alpha[i]! * kv;
        }
        mean[c0 + c] = mu;
      }
      this.chol.solveLowerRows(kb, w, n);
      for (let c = 0; c < w; c++) {
        let q = 0;
        for (let i = c * n, e = i + n; i < e; i++) q += kb[i]! * kb[i]!;
        variance[c0 + c] = Math.max(s2 - q, 1e-12 * s2);
      }
    }
  }

  /**
   * The lowest posterior mean over the first `count` points (observations, not fantasies):
   * the incumbent of noisy EI. At a training point μ = y − noise·α, so this costs O(n).
   */
  lowestMeanAtData(count: number): number {
    const alpha = this.getAlpha();
    let best = Infinity;
    for (let i = 0; i < count; i++) best = Math.min(best, this.y[i]! - this.params.noiseVariance * alpha[i]!);
    return best;
  }

  private getAlpha(): Float64Array {
    if (!this.alpha) {
      const a = Float64Array.from(this.y.subarray(0, this.chol.size));
      this.chol.solveLower(a);
      this.chol.solveUpper(a);
      this.alpha = a;
    }
    return this.alpha;
  }

  private appendFactorRow(i: number, noise = this.params.noiseVariance): void {
    const cross = new Float64Array(i);
    kernelRow(this.params, this.dims, this.x, i * this.dims, this.x, i, cross);
    this.chol.append(cross, this.params.signalVariance + noise);
  }
}
