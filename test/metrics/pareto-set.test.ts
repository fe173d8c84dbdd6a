import { describe, expect, it } from 'vitest';
import type { Goal } from '../../src/config/types.js';
import { dominates, paretoSet, type ScoredPoint } from '../../src/metrics/pareto-set.js';
import { createRng } from '../../src/space/rng.js';

/** The definition, by brute force: a complete point no other complete point dominates. */
function bruteForce(points: readonly ScoredPoint[], goals: readonly Goal[]): Set<string> {
  const loss = (p: ScoredPoint) => goals.map((g, k) => (g === 'maximize' ? -1 : 1) * (p.values[k] as number));
  const complete = points.filter((p) => goals.every((_, k) => typeof p.values[k] === 'number' && Number.isFinite(p.values[k])));
  const out = new Set<string>();
  for (const p of complete) {
    const dominated = complete.some((q) => {
      if (q === p) return false;
      const a = loss(q);
      const b = loss(p);
      return a.every((x, k) => x <= b[k]!) && a.some((x, k) => x < b[k]!);
    });
    if (!dominated) out.add(p.id);
  }
  return out;
}

describe('paretoSet', () => {
  it('equals a brute-force non-dominated filter on random sets (ties, coarse values, min/max mixes, missing scores)', () => {
    const goalSets: Goal[][] = [
      ['minimize', 'minimize'],
      ['minimize', 'maximize'],
      ['maximize', 'maximize'],
      ['maximize', 'minimize', 'minimize'],
      ['minimize', 'maximize', 'maximize', 'minimize'],
    ];
    let cases = 0;
    for (const goals of goalSets) {
      for (let trial = 0; trial < 60; trial++) {
        const rng = createRng('pareto', goals.join(), trial);
        const n = 1 + Math.floor(rng.next() * 40);
        const levels = 2 + Math.floor(rng.next() * 6); // few levels: many ties
        const points: ScoredPoint[] = Array.from({ length: n }, (_, i) => ({
          id: `r${String(i).padStart(2, '0')}`,
          values: goals.map(() => (rng.next() < 0.05 ? undefined : Math.floor(rng.next() * levels) / levels)),
        }));
        const got = paretoSet(points, goals);
        expect(new Set(got.map((p) => p.id))).toEqual(bruteForce(points, goals));
        expect(got.length).toBe(new Set(got.map((p) => p.id)).size);
        cases++;
      }
    }
    expect(cases).toBe(300);
  });

  it('keeps every copy of a tied point, and drops one that is worse on one metric and equal on the rest', () => {
    const points = [
      { id: 'a', values: [1, 5] },
      { id: 'b', values: [1, 5] },
      { id: 'c', values: [1, 6] },
      { id: 'd', values: [2, 4] },
    ];
    expect(paretoSet(points, ['minimize', 'minimize']).map((p) => p.id)).toEqual(['a', 'b', 'd']);
  });

  it('reads each goal: maximizing the second metric flips which points survive', () => {
    const points = [
      { id: 'fast', values: [0.3, 10] },
      { id: 'slow', values: [0.1, 50] },
      { id: 'both', values: [0.2, 60] },
    ];
    expect(paretoSet(points, ['minimize', 'minimize']).map((p) => p.id)).toEqual(['slow', 'fast']);
    expect(paretoSet(points, ['minimize', 'maximize']).map((p) => p.id)).toEqual(['slow', 'both']);
    expect(paretoSet(points, ['maximize', 'minimize']).map((p) => p.id)).toEqual(['fast']);
  });

  it('sorts by the first metric, best first (maximize: highest first)', () => {
    const points = [
      { id: 'x', values: [0.5, 0.5] },
      { id: 'y', values: [0.9, 0.1] },
      { id: 'z', values: [0.1, 0.9] },
    ];
    expect(paretoSet(points, ['maximize', 'maximize']).map((p) => p.id)).toEqual(['y', 'x', 'z']);
  });

  it('leaves out runs without a finite score for every metric', () => {
    const points = [
      { id: 'ok', values: [1, 1] },
      { id: 'nan', values: [Number.NaN, 0] },
      { id: 'short', values: [0] },
      { id: 'missing', values: [0, undefined] },
    ];
    expect(paretoSet(points, ['minimize', 'minimize']).map((p) => p.id)).toEqual(['ok']);
    expect(paretoSet([], ['minimize', 'minimize'])).toEqual([]);
  });

  it('dominates: at least as good everywhere and strictly better somewhere', () => {
    expect(dominates([1, 2], [1, 3])).toBe(true);
    expect(dominates([1, 3], [1, 3])).toBe(false);
    expect(dominates([0, 4], [1, 3])).toBe(false);
  });
});
