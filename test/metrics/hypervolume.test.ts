import { describe, expect, it } from 'vitest';
import { hypervolume2d } from '../../src/metrics/hypervolume.js';
import { createRng } from '../../src/space/rng.js';

/** The dominated area by counting cells of a fine grid (points on a lattice of 1/k). */
function gridArea(points: ReadonlyArray<readonly [number, number]>, ref: readonly [number, number], k: number): number {
  let cells = 0;
  for (let i = 0; i < ref[0] * k; i++) {
    for (let j = 0; j < ref[1] * k; j++) {
      const x = (i + 0.5) / k;
      const y = (j + 0.5) / k;
      if (points.some(([a, b]) => a <= x && b <= y)) cells++;
    }
  }
  return cells / (k * k);
}

describe('hypervolume2d', () => {
  it('one point: the rectangle to the reference', () => {
    expect(hypervolume2d([[1, 2]], [3, 5])).toBe(6);
  });

  it('a staircase, with a dominated point and a point outside the reference that add nothing', () => {
    const front: Array<[number, number]> = [[0, 3], [1, 2], [2, 1], [2.5, 2.5], [5, 0]];
    expect(hypervolume2d(front, [4, 4])).toBe(1 * 4 + 1 * 3 + 1 * 2 + 0);
    expect(hypervolume2d([], [4, 4])).toBe(0);
  });

  it('equals the counted area on random lattice sets', () => {
    for (let t = 0; t < 20; t++) {
      const rng = createRng('hv', t);
      const pts = Array.from({ length: 1 + Math.floor(rng.next() * 12) }, () => [Math.floor(rng.next() * 10) / 4, Math.floor(rng.next() * 10) / 4] as [number, number]);
      expect(hypervolume2d(pts, [2, 2])).toBeCloseTo(gridArea(pts, [2, 2], 4), 12);
    }
  });
});
