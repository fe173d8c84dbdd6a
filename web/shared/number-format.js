/**
 * The one number formatter, shared by the dashboard and the TypeScript code (stop reasons,
 * proposal reasons, config messages, the progress line): a plain ES module with no imports,
 * loaded by the browser as is and imported from TypeScript as
 * `hypersweep/web/shared/number-format.js` (types in number-format.d.ts).
 */

/**
 * `value` with `digits` significant digits and no float noise (`0.30000000000000004` → `0.3`).
 * Options (defaults in brackets): `exponentBelow` [0] and `exponentFrom` [Infinity] bound the
 * magnitudes written plainly — outside, `toExponential(exponentDigits)` [digits − 1]; `integers`
 * [false] writes integers as they are; `distinctFrom` adds digits until the two numbers print
 * differently (a reason never reads "0.412 worse than 0.412"). Non-finite numbers as String.
 */
export function formatNumber(value, options = {}) {
  const { digits = 4, exponentBelow = 0, exponentFrom = Infinity, integers = false, distinctFrom } = options;
  const exponentDigits = options.exponentDigits ?? digits - 1;
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < exponentBelow || abs >= exponentFrom)) return value.toExponential(exponentDigits);
  if (integers && Number.isInteger(value)) return String(value);
  const distinct = typeof distinctFrom === 'number' && Number.isFinite(distinctFrom) && distinctFrom !== value;
  for (let d = digits; d < 17; d++) {
    const shown = Number(value.toPrecision(d));
    if (!distinct || shown !== Number(distinctFrom.toPrecision(d))) return String(shown);
  }
  return String(value);
}
