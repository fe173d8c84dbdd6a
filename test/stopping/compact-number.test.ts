import { describe, expect, it } from 'vitest';
import { compactNumber } from '../../src/stopping/compact-number.js';

describe('compactNumber', () => {
  it.each([
    [0.41, '0.41'],
    [0.1 + 0.2, '0.3'],
    [10, '10'],
    [-8, '-8'],
    [1234.5, '1230'],
    [0.000000151234, '1.51e-7'],
    [2.5, '2.5'],
  ])('%s -> %s', (value, shown) => {
    expect(compactNumber(value)).toBe(shown);
  });

  it('adds digits until two different numbers print differently', () => {
    expect(compactNumber(0.41234, 0.41231)).toBe('0.41234');
    expect(compactNumber(0.41231, 0.41234)).toBe('0.41231');
    expect(compactNumber(0.41234, 0.37)).toBe('0.412');
    expect(compactNumber(2, 2)).toBe('2');
  });
});
