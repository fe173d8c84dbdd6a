/**
 * What counts as a metric value: a finite number (W&B's `is_number` in sweeps/run.py: a finite
 * numeric scalar, not a boolean). NaN, ±Infinity, `"NaN"` strings, booleans, null and missing
 * entries are not values; every reader of a metric skips them.
 */
export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
