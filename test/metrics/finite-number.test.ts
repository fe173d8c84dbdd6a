import { expect, it } from 'vitest';
import { isFiniteNumber } from '../../src/metrics/finite-number.js';

// W&B's sweeps/run.py `is_number`: np.isscalar and np.isfinite and a Number, not a bool.
it('is a finite number exactly as W&B\'s is_number: no NaN, ±Infinity, "NaN" strings, booleans, null or missing', () => {
  for (const v of [0, -1.5, 1e308, Number.MIN_VALUE]) expect(isFiniteNumber(v)).toBe(true);
  for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 'NaN', '1', true, false, null, undefined, [1], { v: 1 }]) expect(isFiniteNumber(v)).toBe(false);
});
