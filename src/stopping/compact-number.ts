/**
 * A number as a stop reason prints it: 3 significant digits without trailing noise (`0.41`,
 * `1230`, `1.5e-7`). Given `distinctFrom`, more digits are used until the two print differently,
 * so a reason never reads "0.412 worse than threshold 0.412".
 */
export function compactNumber(value: number, distinctFrom?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const needsDistinct = distinctFrom !== undefined && Number.isFinite(distinctFrom) && distinctFrom !== value;
  for (let digits = 3; digits < 17; digits++) {
    const shown = Number(value.toPrecision(digits));
    if (!needsDistinct || shown !== Number(distinctFrom.toPrecision(digits))) return String(shown);
  }
  return String(value);
}
