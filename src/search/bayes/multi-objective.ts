/**
 * Several objectives (`metrics:`) for bayes: ParEGO (Knowles 2006), as BoTorch's qParEGO does
 * it. Each call draws a weight vector uniformly from the simplex (seeded by the sweep seed and
 * the number of runs, so a restart draws the same), scales each metric's losses to [0, 1] over
 * the observed runs, and models their augmented Chebyshev scalarisation
 *   s = max_k w_k f_k + ρ Σ_k w_k f_k   (ρ = 0.05)
 * with the single-objective GP and log-EI. Minimising s for some w reaches every point of the
 * Pareto front (also non-convex parts, unlike a weighted sum), so over calls the weights spread
 * proposals along the front. Failed runs are imputed worst per metric (bayes-observations.ts).
 */
import type { MetricSpec } from '../../config/types.js';
import type { RunRecord } from '../../run-record.js';
import type { Rng } from '../../space/rng.js';
import type { UnitCube } from '../../space/unit-cube.js';
import { collectObservations, type Observations } from './bayes-observations.js';

/** Weight of the sum term of the augmented Chebyshev scalarisation (Knowles 2006). */
export const PAREGO_RHO = 0.05;

export interface ScalarizedObservations {
  obs: Observations;
  weights: number[];
  /** For the proposal's reason: `ParEGO weights loss 0.31, latency 0.69`. */
  note: string;
}

/** Observations whose loss is the scalarisation of every metric under weights drawn from `rng`. */
export function parEgoObservations(runs: readonly RunRecord[], metrics: readonly MetricSpec[], cube: UnitCube, rng: Rng): ScalarizedObservations {
  const weights = simplexWeights(metrics.length, rng);
  const note = `ParEGO weights ${metrics.map((m, k) => `${m.name} ${weights[k]!.toFixed(2)}`).join(', ')}`;
  const per = metrics.map((m) => collectObservations(runs, m, cube));
  const first = per[0]!;
  const scored = Math.min(...per.map((o) => o.scored));
  if (scored === 0 || per.some((o) => o.n !== first.n)) {
    return { obs: { ...first, x: new Float64Array(0), loss: new Float64Array(0), n: 0, scored, imputed: 0 }, weights, note };
  }
  const n = first.n;
  const loss = new Float64Array(n);
  const scaled = per.map((o) => scaleToUnit(o.loss, n));
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    let sum = 0;
    for (let k = 0; k < metrics.length; k++) {
      const v = weights[k]! * scaled[k]![i]!;
      if (v > max) max = v;
      sum += v;
    }
    loss[i] = max + PAREGO_RHO * sum;
  }
  return { obs: { x: first.x, loss, n, scored, imputed: n - scored, pending: first.pending }, weights, note };
}

/** A point drawn uniformly from the simplex (normalised exponential variates: Dirichlet(1, …, 1)). */
export function simplexWeights(k: number, rng: Rng): number[] {
  const e = Array.from({ length: k }, () => -Math.log(1 - rng.next()));
  const total = e.reduce((a, b) => a + b, 0);
  return total > 0 ? e.map((x) => x / total) : e.map(() => 1 / k);
}

function scaleToUnit(v: Float64Array, n: number): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, v[i]!);
    hi = Math.max(hi, v[i]!);
  }
  const span = hi - lo;
  return v.map((x) => (span > 0 ? (x - lo) / span : 0));
}
