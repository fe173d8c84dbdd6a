/**
 * Issue 13: a grid of 250 integer parameters of a million values each (7 KB) blocked the server
 * for 10 s, more parameters exhausted the heap: its size is now a product of counts.
 */
import { describe, expect, it } from 'vitest';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { HypersweepError } from '../../src/errors.js';
import { gridSearch, gridSize } from '../../src/search/grid.js';
import { randomSearch } from '../../src/search/random.js';
import { finiteAxis, finiteSpaceSize, gridAxis, gridPointCount, listAxis } from '../../src/space/grid-size.js';
import { sweepTotal } from '../../src/store/sweep-store.js';
import { hugeGridSweep } from '../helpers/hostile-inputs.js';

describe('grid size, computed', () => {
  it('indexes an axis without listing it', () => {
    const axis = finiteAxis({ distribution: 'q_uniform', min: 0.1, max: 0.5, q: 0.1 })!;
    expect(axis.count).toBe(5);
    expect([0, 1, 2, 3, 4].map((k) => axis.at(k))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    const wandbGrid = gridAxis({ distribution: 'q_uniform', min: 0.1, max: 0.5, q: 0.1 })!; // np.arange: max excluded
    expect(listAxis(wandbGrid)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(gridAxis({ distribution: 'int_uniform', min: -3, max: 999_996 })!.at(999_999)).toBe(999_996);
    expect(gridAxis({ distribution: 'uniform', min: 0, max: 1 })).toBeUndefined();
    expect(() => gridAxis({ distribution: 'int_uniform', min: 0, max: 1e300 })).toThrow(HypersweepError);
    expect(() => gridAxis({ distribution: 'q_uniform', min: 0, max: 1, q: 1e-300 })).toThrow(/grid values/);
  });

  it('multiplies counts exactly, past 2^53', () => {
    const million = { count: 1_000_000, at: (k: number) => k };
    expect(gridPointCount([million, million, million])).toBe(10n ** 18n);
    expect(gridPointCount([million, million, million, { count: 0, at: () => 0 }])).toBe(0n);
  });

  it('sizes, totals and walks a grid of 250 million-value parameters in milliseconds', () => {
    const config = parseSweepConfig(hugeGridSweep(250));
    const t0 = performance.now();
    expect(gridSize(config)).toBe(10n ** 1500n);
    expect(sweepTotal(config)).toBe(Number.MAX_SAFE_INTEGER);
    const proposals = gridSearch(config, [], { count: 3, seed: 1 }).proposals;
    expect(proposals.map((p) => p.reason)).toEqual([1, 2, 3].map((i) => `grid ${i}/${10n ** 1500n}`));
    expect(proposals[1]!.config['p249']).toBe(1);
    expect(randomSearch(config, [], { count: 3, seed: 1 }).proposals).toHaveLength(3);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('handles the largest sweep the parser allows (1,000 such parameters) without running out of memory', () => {
    const config = parseSweepConfig(hugeGridSweep(1000));
    const heap = process.memoryUsage().heapUsed;
    expect(gridSize(config)).toBe(10n ** 6000n);
    expect(gridSearch(config, [], { count: 1, seed: 1 }).proposals).toHaveLength(1);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('conditional grids and the finite-space checks count, never list', () => {
  const conditional = (count: number): string =>
    `method: grid\nparameters:\n  mode: {values: [a, b]}\n${Array.from({ length: count }, (_, i) => `  p${i}: {min: 0, max: 999999, when: {mode: ${i % 2 ? 'a' : 'b'}}}`).join('\n')}\n`;

  it('sizes and walks a conditional grid of 250 million-value parameters at once', () => {
    const config = parseSweepConfig(conditional(250));
    const t0 = performance.now();
    expect(gridSize(config)).toBe(2n * 10n ** 750n);
    const outcome = gridSearch(config, [], { count: 2, seed: 1 });
    expect(outcome.proposals).toHaveLength(2);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('counts a finite space without listing it, and says when it cannot', () => {
    expect(finiteSpaceSize(parseSweepConfig(hugeGridSweep(250)).parameters)).toBe(10n ** 1500n);
    expect(finiteSpaceSize(parseSweepConfig(conditional(250)).parameters)).toBe(2n * 10n ** 750n);
    expect(finiteSpaceSize(parseSweepConfig('method: random\nparameters:\n  x: {min: 0.0, max: 1.0}\n').parameters)).toBeUndefined();
  });
});
