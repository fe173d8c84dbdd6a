/**
 * Is the GP worth following? Two-fold cross-validation: a GP fitted (hyperparameters and all)
 * on every other run predicts the runs in between, and the other way round, and its predictions are ranked against
 * their values. A model that has learnt something orders unseen runs better than chance; on a
 * function it cannot model (noise, a discontinuous or adversarial one) the rank correlation
 * stays near zero, and bayes then searches only a trust region around its best runs
 * (bayes-search.ts).
 * (Leave-one-out with the hyperparameters fitted on all runs is not enough: on pure noise the
 * fit picks lengthscales along chance correlations and its leave-one-out ranks reach 0.4–0.5.)
 */
import { sampleCorrelation, sampleRankCorrelation } from 'simple-statistics';
import { GaussianProcess } from './gaussian-process.js';
import type { KernelParams } from './matern52.js';

/**
 * The held-out correlation (rank or linear) a model must reach: better than chance. Low on
 * purpose: once bayes has gathered its runs near the best, even a useful model predicts
 * held-out runs poorly (Levy-20d: both ≈ 0 from 75 to 125 runs), and a threshold of 0.1
 * raised Levy-20d's median regret from 35 to 58 (to 87 with space-filling points as the
 * fallback). What it must catch is a model that predicts unseen runs worse than chance.
 */
export const MIN_RANK_CORRELATION = 0;
/**
 * Each fold needs this many runs, or dims + 1 if more, but at most FOLD_CAP (so that 50-D
 * sweeps, whose fit uses 100 runs, are checked too); with fewer the model is trusted. The
 * check needs that many to tell a weak but useful model from one that learnt nothing (chance
 * gives 0 ± 1/√runs): checked from 10 runs per fold, it distrusted useful models often enough
 * to cost Levy-3d 2.6× in median regret (0.076 → 0.20 after 50 runs, 20 seeds).
 */
export const MIN_FOLD = 25;
const FOLD_CAP = 40;

export interface ModelCheck {
  /** Spearman correlation of the held-out predictions with the values. */
  rankCorrelation: number;
  /** Pearson correlation of the same: does the model get the sizes of differences right? */
  correlation: number;
  /** What it had to reach (MIN_RANK_CORRELATION). */
  threshold: number;
  /** Runs predicted (each by the fold it is not in). */
  heldOut: number;
  trusted: boolean;
}

/**
 * The check on `n` rows of `x` (row-major) with values `y`: a GP fitted on rows 0, 2, 4, …
 * predicts rows 1, 3, 5, … and one fitted on the odd rows predicts the even ones; every row's
 * prediction is ranked against its value. `fit` gives kernel hyperparameters for a training set
 * (standardized values).
 */
export function modelCheck(
  x: Float64Array,
  y: Float64Array,
  n: number,
  dims: number,
  fit: (x: Float64Array, y: Float64Array, n: number) => KernelParams,
): ModelCheck {
  if (Math.floor(n / 2) < Math.max(MIN_FOLD, Math.min(dims + 1, FOLD_CAP))) return { rankCorrelation: NaN, correlation: NaN, threshold: MIN_RANK_CORRELATION, heldOut: n, trusted: true };
  const predicted = new Array<number>(n);
  for (const parity of [0, 1]) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (i % 2 === parity ? train : test).push(i);
    const xTrain = rows(x, train, dims);
    const raw = Float64Array.from(train, (i) => y[i]!);
    const { mean, std } = meanStd(raw);
    const z = raw.map((v) => (v - mean) / std);
    const gp = new GaussianProcess(fit(xTrain, z, train.length), dims, xTrain, z, train.length);
    const out = new Float64Array(test.length);
    gp.predict(rows(x, test, dims), test.length, out, new Float64Array(test.length));
    test.forEach((i, k) => (predicted[i] = mean + std * out[k]!));
  }
  const actual = Array.from(y.subarray(0, n));
  const rank = sampleRankCorrelation(predicted, actual);
  const linear = sampleCorrelation(predicted, actual);
  const rankCorrelation = Number.isFinite(rank) ? rank : 0;
  const correlation = Number.isFinite(linear) ? linear : 0;
  // Distrust only when both fail: once bayes has gathered its runs near the best, ranking them
  // is hard (Levy-20d: rank correlation ≈ 0 from 75 to 125 runs) while the model still predicts
  // which regions are bad (Pearson, weighted by the large differences, stays high).
  const trusted = rankCorrelation >= MIN_RANK_CORRELATION || correlation >= MIN_RANK_CORRELATION;
  return { rankCorrelation, correlation, threshold: MIN_RANK_CORRELATION, heldOut: n, trusted };
}

function rows(x: Float64Array, which: number[], dims: number): Float64Array {
  const out = new Float64Array(which.length * dims);
  which.forEach((i, k) => out.set(x.subarray(i * dims, (i + 1) * dims), k * dims));
  return out;
}

function meanStd(v: Float64Array): { mean: number; std: number } {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
  return { mean, std: std > 1e-12 ? std : 1 };
}
