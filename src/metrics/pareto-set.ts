/**
 * The Pareto set of scored runs: those no other run dominates. `a` dominates `b` when `a` is
 * at least as good on every metric and strictly better on one (goals mixed freely). Runs with
 * equal scores do not dominate each other, so ties are all in the set. Runs missing a score
 * for any metric are left out. Sorted by the first metric, best first, then the next metrics,
 * then by id.
 */
import type { Goal } from '../config/types.js';

export interface ScoredPoint {
  id: string;
  /** One finite score per metric, in the metrics' order. */
  values: ReadonlyArray<number | undefined>;
}

/** The non-dominated points, sorted as the file comment says. O(n log n + n·front) for two metrics, O(n²·m) worst case. */
export function paretoSet<T extends ScoredPoint>(points: readonly T[], goals: readonly Goal[]): T[] {
  const m = goals.length;
  const sign = goals.map((g) => (g === 'maximize' ? -1 : 1));
  // Losses (lower is better) of complete points.
  const complete = points
    .filter((p) => p.values.length >= m && goals.every((_, k) => typeof p.values[k] === 'number' && Number.isFinite(p.values[k])))
    .map((p) => ({ p, loss: goals.map((_, k) => sign[k]! * (p.values[k] as number)) }));
  // Lexicographic order: a point can only be dominated by one before it (or an equal one).
  complete.sort((a, b) => compareLoss(a.loss, b.loss) || (a.p.id < b.p.id ? -1 : a.p.id > b.p.id ? 1 : 0));
  const front: typeof complete = [];
  for (const c of complete) {
    if (!front.some((f) => dominates(f.loss, c.loss))) front.push(c);
  }
  return front.map((f) => f.p);
}

/** Whether loss vector `a` dominates `b` (lower is better). */
export function dominates(a: readonly number[], b: readonly number[]): boolean {
  let strictly = false;
  for (let k = 0; k < a.length; k++) {
    if (a[k]! > b[k]!) return false;
    if (a[k]! < b[k]!) strictly = true;
  }
  return strictly;
}

function compareLoss(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
}
