import { describe, expect, it } from 'vitest';
import { HypersweepError } from '../../src/errors.js';
import { finiteValues, listedValues } from '../../src/space/finite-values.js';

describe('finiteValues', () => {
  it('lists categorical values, a constant, and an inclusive int range', () => {
    expect(finiteValues({ distribution: 'categorical', values: ['a', 2], probabilities: [0.9, 0.1] })).toEqual(['a', 2]);
    expect(finiteValues({ distribution: 'constant', value: [1, 2] })).toEqual([[1, 2]]);
    expect(finiteValues({ distribution: 'int_uniform', min: 3, max: 6 })).toEqual([3, 4, 5, 6]);
  });

  it('expands q distributions to the multiples of q inside their bounds', () => {
    expect(finiteValues({ distribution: 'q_uniform', min: 0, max: 1, q: 0.25 })).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(finiteValues({ distribution: 'q_uniform', min: 0.1, max: 0.5, q: 0.1 })).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(finiteValues({ distribution: 'q_uniform', min: 8, max: 64, q: 16 })).toEqual([16, 32, 48, 64]);
    expect(finiteValues({ distribution: 'q_log_uniform_values', min: 32, max: 128, q: 32 })).toEqual([32, 64, 96, 128]);
    expect(finiteValues({ distribution: 'q_log_uniform', min: 0, max: Math.log(4), q: 1 })).toEqual([1, 2, 3, 4]);
    expect(finiteValues({ distribution: 'q_beta', a: 1, b: 1, q: 0.5 })).toEqual([0, 0.5, 1]);
  });

  it('is undefined for continuous or unbounded distributions', () => {
    expect(finiteValues({ distribution: 'uniform', min: 0, max: 1 })).toBeUndefined();
    expect(finiteValues({ distribution: 'log_uniform_values', min: 1e-3, max: 1 })).toBeUndefined();
    expect(finiteValues({ distribution: 'q_normal', mu: 0, sigma: 1, q: 1 })).toBeUndefined();
    expect(finiteValues({ distribution: 'beta', a: 1, b: 1 })).toBeUndefined();
  });

  it('refuses an expansion into millions of values', () => {
    expect(() => finiteValues({ distribution: 'int_uniform', min: 0, max: 1e7 })).toThrow(HypersweepError);
  });
});

describe('listedValues', () => {
  it('is finiteValues, or undefined where that would refuse to list', () => {
    expect(listedValues({ distribution: 'q_uniform', min: 0, max: 1, q: 0.5 })).toEqual([0, 0.5, 1]);
    expect(listedValues({ distribution: 'uniform', min: 0, max: 1 })).toBeUndefined();
    expect(listedValues({ distribution: 'int_uniform', min: 0, max: 1e7 })).toBeUndefined();
  });
});
