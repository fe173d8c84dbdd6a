/**
 * A number as a stop reason prints it: 3 significant digits without trailing noise (`0.41`,
 * `1230`, `1.5e-7`). Given `distinctFrom`, more digits are used until the two print differently,
 * so a reason never reads "0.412 worse than threshold 0.412". (The formatter is the shared one.)
 */
import { formatNumber } from 'hypersweep/web/shared/number-format.js';

export function compactNumber(value: number, distinctFrom?: number): string {
  return formatNumber(value, { digits: 3, ...(distinctFrom !== undefined ? { distinctFrom } : {}) });
}
