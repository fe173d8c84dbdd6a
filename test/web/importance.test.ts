import { describe, expect, it } from 'vitest';
import { binColumns, fitForest, parameterImportance, pearson, permutationImportance, ranks, seededRandom, spearman } from '../../web/importance.js';

describe('ranks and correlations', () => {
  it('averages tied ranks', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it('spearman is 1 for any monotone increasing relation and -1 for decreasing', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7];
    expect(spearman(xs, xs.map((x) => Math.exp(x)))).toBeCloseTo(1, 12);
    expect(spearman(xs, xs.map((x) => -(x ** 3)))).toBeCloseTo(-1, 12);
  });

  it('matches the textbook value with ties', () => {
    // Pearson on average ranks: x ranks [1,2.5,2.5,4,5], y ranks [1,3,2,5,4].
    expect(spearman([1, 2, 2, 3, 4], [10, 30, 20, 50, 40])).toBeCloseTo(pearson([1, 2.5, 2.5, 4, 5], [1, 3, 2, 5, 4]), 12);
    expect(spearman([1, 2, 2, 3, 4], [10, 30, 20, 50, 40])).toBeCloseTo(0.8720815992723809, 12);
  });

  it('is 0 for constant input or too few pairs', () => {
    expect(spearman([1, 1, 1, 1], [1, 2, 3, 4])).toBe(0);
    expect(spearman([1, 2], [2, 1])).toBe(0);
  });
});

describe('binning', () => {
  it('keeps few distinct values exact and puts missing values in bin 0', () => {
    const { bins, counts } = binColumns([[3], [1], [NaN], [3], [2]]);
    expect(Array.from(bins[0]!)).toEqual([3, 1, 0, 3, 2]);
    expect(counts[0]).toBe(4);
  });

  it('caps the number of bins and keeps order', () => {
    const X = Array.from({ length: 1000 }, (_, i) => [i * 0.37]);
    const { bins, counts } = binColumns(X, 16);
    expect(counts[0]).toBeLessThanOrEqual(16);
    const col = Array.from(bins[0]!);
    for (let i = 1; i < col.length; i++) expect(col[i]!).toBeGreaterThanOrEqual(col[i - 1]!);
  });
});

/** y depends strongly on a, weakly on b, not at all on c (noise column). */
function synthetic(n: number, seed: number): { values: Record<string, unknown>; score: number }[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const a = rand() * 10;
    const b = rand();
    const c = rand() * 100;
    const opt = rand() < 0.5 ? 'adam' : 'sgd';
    return { values: { a, b, c, 'model.opt': opt }, score: 3 * Math.sin(a / 3) + 0.3 * b + (opt === 'adam' ? 1 : 0) + 0.05 * rand() };
  });
}

describe('random forest', () => {
  it('fits a step function', () => {
    const X = Array.from({ length: 200 }, (_, i) => [i]);
    const y = X.map(([x]) => (x! < 100 ? 0 : 1));
    const binned = binColumns(X);
    const forest = fitForest(binned, y, { trees: 10, seed: 3 });
    // Every tree splits at the step: the root's left child predicts ~0, right ~1.
    for (const tree of forest) {
      expect(tree.feature[0]).toBe(0);
      expect(tree.value[tree.left[0]!]).toBeLessThan(0.2);
      expect(tree.value[tree.right[0]!]).toBeGreaterThan(0.8);
    }
  });

  it('permutation importance ranks the informative column first', () => {
    const rows = synthetic(400, 11);
    const X = rows.map((r) => [r.values.a as number, r.values.b as number, r.values.c as number]);
    const y = rows.map((r) => r.score);
    const binned = binColumns(X);
    const forest = fitForest(binned, y, { seed: 5 });
    const imp = permutationImportance(forest, binned, y, { seed: 9 });
    expect(imp[0]!).toBeGreaterThan(imp[1]!);
    expect(imp[1]!).toBeGreaterThan(imp[2]!);
    expect(imp[2]!).toBeLessThan(0.05);
  });
});

describe('parameterImportance', () => {
  it('orders parameters by what drives the score, including a categorical one', () => {
    const result = parameterImportance(synthetic(500, 2), ['a', 'b', 'c', 'model.opt'], { seed: 4 });
    const by = Object.fromEntries(result.map((r) => [r.name, r]));
    expect(result.map((r) => r.name)).toEqual(['a', 'b', 'c', 'model.opt']);
    const shares = result.map((r) => r.importance!);
    expect(shares.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 9);
    expect(by.a!.importance!).toBeGreaterThan(by['model.opt']!.importance!);
    expect(by['model.opt']!.importance!).toBeGreaterThan(by.c!.importance!);
    expect(by.b!.importance!).toBeGreaterThan(by.c!.importance!);
    expect(by.c!.importance!).toBeLessThan(0.03);
    // sin(a/3) rises then falls on [0, 10]: the forest sees what a rank correlation half misses.
    expect(Math.max(...shares)).toBe(by.a!.importance);
    expect(Math.abs(by.a!.correlation)).toBeLessThan(by.a!.importance!);
    expect(Math.abs(by.c!.correlation)).toBeLessThan(0.15);
    expect(by['model.opt']!.correlationOf === 'adam' || by['model.opt']!.correlationOf === 'sgd').toBe(true);
    expect(Math.abs(by['model.opt']!.correlation)).toBeGreaterThan(0.3);
  });

  it('is deterministic for a seed', () => {
    const rows = synthetic(120, 8);
    expect(parameterImportance(rows, ['a', 'b', 'c'], { seed: 1 })).toEqual(parameterImportance(rows, ['a', 'b', 'c'], { seed: 1 }));
  });

  it('ignores rows without a score and gives no model importance with too few rows', () => {
    const rows = [
      { values: { a: 1 }, score: 1 },
      { values: { a: 2 }, score: 2 },
      { values: { a: 3 }, score: 3 },
      { values: { a: 4 }, score: null },
    ];
    const [a] = parameterImportance(rows, ['a']);
    expect(a!.importance).toBeNull();
    expect(a!.correlation).toBeCloseTo(1, 12);
  });

  it('treats missing values and booleans without throwing', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ values: { flag: i % 2 === 0, maybe: i % 3 === 0 ? null : i }, score: i % 2 }));
    const result = parameterImportance(rows, ['flag', 'maybe']);
    expect(result[0]!.importance!).toBeGreaterThan(result[1]!.importance!);
    expect(result[0]!.correlation).toBeCloseTo(-1, 12);
  });

  it('fits 2,000 runs × 12 parameters without blowing up', () => {
    const rand = seededRandom(1);
    const names = Array.from({ length: 12 }, (_, j) => `p${j}`);
    const rows = Array.from({ length: 2000 }, () => {
      const values = Object.fromEntries(names.map((n) => [n, rand()]));
      return { values, score: (values.p0 as number) * 2 + rand() };
    });
    const t0 = performance.now();
    const result = parameterImportance(rows, names);
    const ms = performance.now() - t0;
    expect(result[0]!.importance!).toBeGreaterThan(0.5);
    // ~0.2 s on a quiet 2-core machine; the bound only catches an accidental quadratic.
    expect(ms).toBeLessThan(10_000);
  });
});
