/** Types of web/shared/number-format.js (a plain ES module the dashboard loads as is). */
export interface NumberFormat {
  /** Significant digits. @defaultValue 4 */
  digits?: number;
  /** Magnitudes below this (but not 0) are written in exponent form. @defaultValue 0 */
  exponentBelow?: number;
  /** Magnitudes from this up are written in exponent form. @defaultValue Infinity */
  exponentFrom?: number;
  /** Digits after the point in exponent form. @defaultValue digits - 1 */
  exponentDigits?: number;
  /** Integers (below exponentFrom) as they are. @defaultValue false */
  integers?: boolean;
  /** Add digits until `value` prints differently from this number. */
  distinctFrom?: number;
}
export function formatNumber(value: number, options?: NumberFormat): string;
