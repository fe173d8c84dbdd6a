/** Parameter importance with conditional parameters: an inactive value is missing (not 0), and does not bias the correlation. */
import { describe, expect, it } from 'vitest';
import { parameterImportance } from '../../web/importance.js';

describe('importance with inactive parameters', () => {
  it('correlates a conditional parameter over the runs that have it, and stays finite', () => {
    const rows = Array.from({ length: 40 }, (_, i) => {
      const sgd = i % 2 === 0;
      const momentum = (i % 10) / 10;
      // with sgd, the score rises with momentum; without sgd there is no momentum (and a score of 0 would fake a trend)
      return { values: sgd ? { optimizer: 'sgd', momentum } : { optimizer: 'adam' }, score: sgd ? momentum : 0 };
    });
    const [optimizer, momentum] = parameterImportance(rows, ['optimizer', 'momentum'], { seed: 1 });
    expect(momentum!.correlation).toBeCloseTo(1, 10);
    expect(Number.isFinite(optimizer!.correlation)).toBe(true);
    for (const r of [optimizer!, momentum!]) expect(r.importance === null || Number.isFinite(r.importance)).toBe(true);
  });
});
