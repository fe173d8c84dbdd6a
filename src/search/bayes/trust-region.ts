/**
 * A TuRBO-style trust region (Eriksson et al. 2019, "Scalable Global Optimization via Local
 * Bayesian Optimization") around the best run, replayed from the runs in the order they
 * finished: search is pure, so the region's state is recomputed from the history at every call.
 * After SUCCESSES improvements in a row the side length doubles (up to MAX_LENGTH); after
 * `max(4, D)` runs in a row without one it halves, and below MIN_LENGTH it starts again at
 * INITIAL_LENGTH. Candidates are sparse: each coordinate moves with probability min(20/D, 1)
 * (BoTorch's and TuRBO's perturbation mask), inside a box whose sides follow the kernel's
 * lengthscales (a long lengthscale: the function changes slowly that way, so the box is wider).
 */
import type { Rng } from '../../space/rng.js';
import type { UnitCubeSlot } from '../../space/unit-cube.js';

export const INITIAL_LENGTH = 0.8;
export const MIN_LENGTH = 0.5 ** 7;
export const MAX_LENGTH = 1.6;
const SUCCESSES = 3;
/** An improvement must beat the best by this fraction of its size (TuRBO's 1e-3). */
const MIN_IMPROVEMENT = 1e-3;

export interface TrustRegion {
  /** Side length of the region in the unit cube (before the lengthscale weights). */
  length: number;
  /** Index of the best observation: the region's center. */
  best: number;
  /** Runs in a row with / without an improvement, at the end of the replay. */
  successes: number;
  failures: number;
}

/**
 * The region after observations `loss[0..n)` (lower is better, in run order); the first `start`
 * are the initial design and only set the best.
 */
export function trustRegionOf(loss: ArrayLike<number>, n: number, start: number, dims: number): TrustRegion {
  const failureLimit = Math.max(4, dims);
  let best = 0;
  let length = INITIAL_LENGTH;
  let successes = 0;
  let failures = 0;
  for (let t = 1; t < n; t++) {
    const improved = loss[t]! < loss[best]! - MIN_IMPROVEMENT * Math.abs(loss[best]!);
    if (loss[t]! < loss[best]!) best = t;
    if (t < start) continue;
    if (improved) {
      successes++;
      failures = 0;
    } else {
      failures++;
      successes = 0;
    }
    if (successes >= SUCCESSES) {
      length = Math.min(MAX_LENGTH, 2 * length);
      successes = 0;
    } else if (failures >= failureLimit) {
      length /= 2;
      failures = 0;
      if (length < MIN_LENGTH) length = INITIAL_LENGTH;
    }
  }
  return { length, best, successes, failures };
}

/**
 * Per-coordinate half-widths of the region: length/2 times the lengthscale over the geometric
 * mean of the lengthscales (TuRBO's weights), so their product is that of a cube of side `length`.
 */
export function halfWidths(length: number, lengthscales: Float64Array): Float64Array {
  const dims = lengthscales.length;
  let logMean = 0;
  for (let d = 0; d < dims; d++) logMean += Math.log(lengthscales[d]!);
  const geo = Math.exp(logMean / Math.max(1, dims));
  return lengthscales.map((l) => (length / 2) * (l / geo));
}

/**
 * A point of the region around `center`: each slot moves with probability min(20/slots, 1)
 * (at least one moves). A numeric coordinate moves uniformly inside its half-width, a
 * categorical takes a random value with probability min(1, length). Stays in [0, 1].
 */
export function sampleInRegion(center: Float64Array, half: Float64Array, length: number, slots: readonly UnitCubeSlot[], rng: Rng): Float64Array {
  const u = Float64Array.from(center);
  if (slots.length === 0) return u;
  const p = Math.min(1, 20 / slots.length);
  const forced = Math.floor(rng.next() * slots.length);
  slots.forEach((slot, k) => {
    if (k !== forced && rng.next() >= p) return;
    if (slot.spec.distribution === 'categorical') {
      if (rng.next() >= Math.min(1, length)) return;
      const pick = Math.floor(rng.next() * slot.width);
      for (let i = 0; i < slot.width; i++) u[slot.offset + i] = i === pick ? 1 : 0;
      return;
    }
    const d = slot.offset;
    const v = center[d]! + half[d]! * (2 * rng.next() - 1);
    u[d] = v < 0 ? 0 : v > 1 ? 1 : v;
  });
  return u;
}
