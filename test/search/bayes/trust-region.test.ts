import { describe, expect, it } from 'vitest';
import type { ParameterSpace } from '../../../src/config/types.js';
import { halfWidths, INITIAL_LENGTH, MAX_LENGTH, MIN_LENGTH, sampleInRegion, trustRegionOf } from '../../../src/search/bayes/trust-region.js';
import { createRng } from '../../../src/space/rng.js';
import { unitCube } from '../../../src/space/unit-cube.js';

describe('trustRegionOf (replayed from the history)', () => {
  it('starts at the initial length, centred on the best run of the initial design', () => {
    const r = trustRegionOf([3, 1, 2], 3, 3, 2);
    expect(r).toEqual({ length: INITIAL_LENGTH, best: 1, successes: 0, failures: 0 });
  });

  it('halves after max(4, D) runs in a row without an improvement, and counts from 0 again', () => {
    const dims = 10;
    const loss = [1, ...Array.from({ length: 10 }, () => 2)];
    expect(trustRegionOf(loss, 10, 1, dims).length).toBe(INITIAL_LENGTH); // 9 failures
    const r = trustRegionOf(loss, 11, 1, dims); // the 10th
    expect(r.length).toBe(INITIAL_LENGTH / 2);
    expect(r.failures).toBe(0);
    // in 2-D the limit is 4
    expect(trustRegionOf([1, 2, 2, 2, 2], 5, 1, 2).length).toBe(INITIAL_LENGTH / 2);
  });

  it('doubles after 3 improvements in a row, up to the maximum; a tiny improvement is a failure', () => {
    expect(trustRegionOf([10, 9, 8, 7], 4, 1, 2).length).toBe(2 * INITIAL_LENGTH);
    expect(trustRegionOf([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 10, 1, 2).length).toBe(MAX_LENGTH);
    const tiny = trustRegionOf([10, 9.9999, 9.9998, 9.9997, 9.9996], 5, 1, 2);
    expect(tiny.length).toBe(INITIAL_LENGTH / 2);
    expect(tiny.best).toBe(4); // the center still moves to the lowest value
  });

  it('the initial design sets the best but does not count; below the minimum it starts again', () => {
    expect(trustRegionOf([5, 4, 3, 2, 1], 5, 5, 2).length).toBe(INITIAL_LENGTH);
    let halvings = 0;
    for (let l = INITIAL_LENGTH; l >= MIN_LENGTH; l /= 2) halvings++;
    const flat = [0, ...Array.from({ length: 4 * halvings }, () => 1)];
    expect(trustRegionOf(flat, flat.length, 1, 2).length).toBe(INITIAL_LENGTH);
    expect(trustRegionOf(flat, flat.length - 4, 1, 2).length).toBeCloseTo(INITIAL_LENGTH / 2 ** (halvings - 1), 12);
  });
});

describe('halfWidths', () => {
  it('follow the lengthscales and keep the volume of a cube of side length', () => {
    const h = halfWidths(0.4, Float64Array.from([0.1, 0.4, 1.6]));
    expect(h[1]! / h[0]!).toBeCloseTo(4, 12);
    expect(h[2]! / h[1]!).toBeCloseTo(4, 12);
    expect(h[0]! * h[1]! * h[2]!).toBeCloseTo(0.2 ** 3, 12);
  });
});

const mixed: ParameterSpace = {
  ...Object.fromEntries(Array.from({ length: 46 }, (_, i) => [`x${i}`, { distribution: 'uniform', min: -1, max: 1 }])),
  lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 },
  layers: { distribution: 'int_uniform', min: 1, max: 8 },
  act: { distribution: 'categorical', values: ['relu', 'gelu', 'tanh'] },
  width: { distribution: 'q_uniform', min: 16, max: 512, q: 16 },
};

describe('sampleInRegion', () => {
  const cube = unitCube(mixed);
  const center = cube.encode(cube.decode(Array.from({ length: cube.dims }, (_, d) => (d * 0.37) % 1)));
  const half = halfWidths(0.2, Float64Array.from({ length: cube.dims }, (_, d) => 0.5 + (d % 3) * 0.5));
  const draw = (seed: string, k: number) => {
    const rng = createRng('region', seed);
    return Array.from({ length: k }, () => sampleInRegion(center, half, 0.2, cube.slots, rng));
  };

  it('stays in the unit cube and inside the box around the center, and decodes to valid configs', () => {
    for (const u of draw('a', 200)) {
      for (let d = 0; d < cube.dims; d++) {
        expect(u[d]).toBeGreaterThanOrEqual(0);
        expect(u[d]).toBeLessThanOrEqual(1);
      }
      for (const slot of cube.slots) {
        if (slot.spec.distribution === 'categorical') {
          const hot = Array.from(u.subarray(slot.offset, slot.offset + slot.width));
          expect(hot.filter((v) => v === 1)).toHaveLength(1);
          expect(hot.filter((v) => v === 0)).toHaveLength(slot.width - 1);
        } else expect(Math.abs(u[slot.offset]! - center[slot.offset]!)).toBeLessThanOrEqual(half[slot.offset]! + 1e-15);
      }
      const c = cube.decode(u);
      expect(Number.isInteger(c.layers)).toBe(true);
      expect(c.layers as number).toBeGreaterThanOrEqual(1);
      expect(c.layers as number).toBeLessThanOrEqual(8);
      expect(['relu', 'gelu', 'tanh']).toContain(c.act);
      expect((c.width as number) % 16).toBe(0);
      expect(c.lr as number).toBeGreaterThanOrEqual(1e-5);
      expect(c.lr as number).toBeLessThanOrEqual(1e-1);
    }
  });

  it('moves about min(20/D, 1) of the parameters (at least one), and each of them sometimes', () => {
    const moved = draw('b', 400).map((u) => cube.slots.filter((s) => s.spec.distribution !== 'categorical' && u[s.offset] !== center[s.offset]).length);
    const mean = moved.reduce((a, b) => a + b, 0) / moved.length;
    // 49 numeric slots of 50, each with probability 20/50 (plus one forced): ≈ 20
    expect(mean).toBeGreaterThan(17);
    expect(mean).toBeLessThan(23);
    expect(Math.min(...moved)).toBeGreaterThanOrEqual(0);
    const all = draw('c', 1);
    expect(all[0]).not.toEqual(center);
    // in 5-D every parameter may move at once
    const small = unitCube(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`x${i}`, { distribution: 'uniform', min: 0, max: 1 }])));
    const c5 = Float64Array.from([0.5, 0.5, 0.5, 0.5, 0.5]);
    const u5 = sampleInRegion(c5, Float64Array.from([0.1, 0.1, 0.1, 0.1, 0.1]), 0.2, small.slots, createRng('five'));
    expect(Array.from(u5).every((v) => v !== 0.5)).toBe(true);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(draw('d', 5)).toEqual(draw('d', 5));
    expect(draw('d', 5)).not.toEqual(draw('e', 5));
  });
});
