/** web/shared/number-format.js: the one number formatter, with each caller's settings. */
import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../web/shared/number-format.js';

describe('formatNumber', () => {
  it('gives significant digits without float noise; non-finite as String', () => {
    expect([formatNumber(0.1 + 0.2), formatNumber(1234.5678), formatNumber(0), formatNumber(-0.000123456), formatNumber(Number.NaN), formatNumber(-Infinity)]).toEqual(['0.3', '1235', '0', '-0.0001235', 'NaN', '-Infinity']);
    expect(formatNumber(0.123456, { digits: 2 })).toBe('0.12');
  });

  it('writes exponent form outside [exponentBelow, exponentFrom), never for 0', () => {
    const o = { digits: 4, exponentBelow: 1e-3, exponentFrom: 1e6, exponentDigits: 2 };
    expect([formatNumber(1e-5, o), formatNumber(1234567.8, o), formatNumber(0, o), formatNumber(0.5, o), formatNumber(-2e7, o)]).toEqual(['1.00e-5', '1.23e+6', '0', '0.5', '-2.00e+7']);
    expect(formatNumber(123456, { digits: 2, exponentFrom: 1e5 })).toBe('1.2e+5'); // exponentDigits defaults to digits − 1
  });

  it('keeps integers as they are when asked (below exponentFrom)', () => {
    expect(formatNumber(123456, { digits: 2, integers: true })).toBe('123456');
    expect(formatNumber(123456, { digits: 2 })).toBe('120000');
    expect(formatNumber(2e6, { integers: true, exponentFrom: 1e6, exponentDigits: 1 })).toBe('2.0e+6');
  });

  it('adds digits until the number reads differently from distinctFrom', () => {
    expect(formatNumber(0.41234, { digits: 3, distinctFrom: 0.41198 })).toBe('0.4123');
    expect(formatNumber(0.41234, { digits: 3, distinctFrom: 0.5 })).toBe('0.412');
    expect(formatNumber(0.41234, { digits: 3, distinctFrom: 0.41234 })).toBe('0.412'); // equal numbers: nothing to tell apart
  });
});
