import { describe, expect, it } from 'vitest';
import { multipleOf, quantize, roundHalfEven } from '../../src/space/quantize.js';

describe('quantize (W&B: round(x / q) * q)', () => {
  it('rounds halves to even, as numpy', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, 3]);
    expect(quantize(0.25, 0.5)).toBe(0);
    expect(quantize(0.75, 0.5)).toBe(1);
  });

  it('gives integers for an integer q and clean decimals otherwise', () => {
    expect(quantize(37.2, 5)).toBe(35);
    expect(Number.isInteger(quantize(1e6 + 0.4, 1))).toBe(true);
    expect(quantize(0.29, 0.1)).toBe(0.3);
    expect(multipleOf(3, 0.1)).toBe(0.3);
    expect(multipleOf(7, 0.07)).toBe(0.49);
    expect(Object.is(quantize(-0.01, 0.1), 0)).toBe(true);
  });

  it('steps inward to a multiple inside the bounds when rounding leaves them', () => {
    expect(quantize(8, 16, { min: 8, max: 128 })).toBe(16);
    expect(quantize(130, 16, { min: 8, max: 130 })).toBe(128);
    expect(quantize(50, 16, { min: 8, max: 128 })).toBe(48);
    // no multiple of q inside [0.1, 0.2]: W&B's value stands
    expect(quantize(0.15, 1, { min: 0.1, max: 0.2 })).toBe(0);
  });
});
