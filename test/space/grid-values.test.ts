/**
 * A grid's axes. q_uniform follows W&B's grid_search.py, which turns it into the categorical
 * `np.arange(min, max, q).tolist()`; the expected lists below are numpy's output (numpy 1.24),
 * with the float noise of min + k·q removed (numpy: 0.30000000000000004, here 0.3).
 */
import { describe, expect, it } from 'vitest';
import { HypersweepError } from '../../src/errors.js';
import { finiteValues } from '../../src/space/finite-values.js';
import type { LeafSpec } from '../../src/space/flatten-space.js';
import { gridValues } from '../../src/space/grid-values.js';

describe('gridValues', () => {
  it('q_uniform: min, min+q, min+2q, … strictly below max, as np.arange', () => {
    expect(gridValues({ distribution: 'q_uniform', min: 0, max: 1, q: 0.25 })).toEqual([0, 0.25, 0.5, 0.75]);
    expect(gridValues({ distribution: 'q_uniform', min: 32, max: 128, q: 32 })).toEqual([32, 64, 96]);
    expect(gridValues({ distribution: 'q_uniform', min: 8, max: 64, q: 16 })).toEqual([8, 24, 40, 56]);
    expect(gridValues({ distribution: 'q_uniform', min: 0.1, max: 0.5, q: 0.1 })).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(gridValues({ distribution: 'q_uniform', min: 0.1, max: 0.7, q: 0.2 })).toEqual([0.1, 0.3, 0.5]);
    expect(gridValues({ distribution: 'q_uniform', min: 1, max: 2, q: 0.1 })).toEqual([1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9]);
    expect(gridValues({ distribution: 'q_uniform', min: 0.5, max: 2.5, q: 0.5 })).toEqual([0.5, 1, 1.5, 2]);
    expect(gridValues({ distribution: 'q_uniform', min: 1, max: 1, q: 1 })).toEqual([]);
  });

  it('every other distribution: its finite support', () => {
    const specs: LeafSpec[] = [
      { distribution: 'categorical', values: ['a', 2] },
      { distribution: 'constant', value: 3 },
      { distribution: 'int_uniform', min: 3, max: 6 },
      { distribution: 'q_log_uniform_values', min: 32, max: 128, q: 32 },
      { distribution: 'q_beta', a: 1, b: 1, q: 0.5 },
      { distribution: 'uniform', min: 0, max: 1 },
    ];
    for (const spec of specs) {
      expect(gridValues(spec)).toEqual(finiteValues(spec));
    }
  });

  it('refuses a q_uniform axis of millions of points', () => {
    expect(() => gridValues({ distribution: 'q_uniform', min: 0, max: 1, q: 1e-7 })).toThrow(HypersweepError);
    expect(() => gridValues({ distribution: 'q_uniform', min: 0, max: 1, q: 1e-7 })).toThrow(/expands to 10000000 grid values/);
  });
});
