/**
 * The hypervolume of a set of points in two objectives: the area they dominate up to a
 * reference point (Zitzler & Thiele 1998), the standard single number for how good a Pareto
 * front is. Both objectives are losses (lower is better); points not better than the reference
 * in both objectives add nothing.
 */

/** Area dominated by `points` (pairs of losses) and bounded by `reference`. */
export function hypervolume2d(points: ReadonlyArray<readonly [number, number]>, reference: readonly [number, number]): number {
  const inside = points.filter(([a, b]) => a < reference[0] && b < reference[1]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  let area = 0;
  let ceiling = reference[1];
  for (const [a, b] of inside) {
    if (b >= ceiling) continue; // dominated by a point to its left
    area += (reference[0] - a) * (ceiling - b);
    ceiling = b;
  }
  return area;
}
