import { describe, expect, it } from 'vitest';
import type { ParameterSpace } from '../../src/config/types.js';
import { HypersweepError } from '../../src/errors.js';
import { gridSearch, gridSize } from '../../src/search/grid.js';
import { discreteSize, discreteSpace, runsOf, sweep } from './sweep-fixtures.js';

const space: ParameterSpace = {
  a: { distribution: 'categorical', values: ['x', 'y'] },
  nested: {
    distribution: 'nested',
    parameters: {
      b: { distribution: 'int_uniform', min: 1, max: 2 },
      c: { distribution: 'constant', value: true },
    },
  },
  d: { distribution: 'q_uniform', min: 0, max: 1.5, q: 0.5 }, // W&B's grid: 0, 0.5, 1 (below max)
};

describe('grid search', () => {
  it('walks parameters in file order, nested depth-first, last varying fastest', () => {
    const proposals = gridSearch(sweep('grid', space), [], { count: 100, seed: 0 }).proposals;
    expect(proposals.map((p) => [p.config.a, (p.config.nested as { b: number }).b, p.config.d])).toEqual([
      ['x', 1, 0], ['x', 1, 0.5], ['x', 1, 1],
      ['x', 2, 0], ['x', 2, 0.5], ['x', 2, 1],
      ['y', 1, 0], ['y', 1, 0.5], ['y', 1, 1],
      ['y', 2, 0], ['y', 2, 0.5], ['y', 2, 1],
    ]);
    expect(proposals[0]!.config).toEqual({ a: 'x', nested: { b: 1, c: true }, d: 0 });
    expect(proposals.map((p) => p.reason)).toEqual(proposals.map((_, i) => `grid ${i + 1}/12`));
  });

  it('skips points taken by runs in any state and keeps the index of the full product in the reason', () => {
    const runs = runsOf([
      { a: 'x', nested: { b: 1, c: true }, d: 0 },
      { d: 0.5, nested: { c: true, b: 1 }, a: 'x' }, // other key order
      { a: 'x', nested: { b: 1, c: true }, d: 1, extra: 'ignored' }, // keys outside the space don't matter
    ]);
    const [next] = gridSearch(sweep('grid', space), runs, { count: 1, seed: 0 }).proposals;
    expect(next).toEqual({ config: { a: 'x', nested: { b: 2, c: true }, d: 0 }, reason: 'grid 4/12' });
  });

  it('treats 3e6 and 3000000 as the same point', () => {
    const s: ParameterSpace = { steps: { distribution: 'categorical', values: [3e6, 1e3] } };
    const proposals = gridSearch(sweep('grid', s), runsOf([{ steps: 3000000 }]), { count: 5, seed: 0 }).proposals;
    expect(proposals).toEqual([{ config: { steps: 1000 }, reason: 'grid 2/2' }]);
  });

  it('does not count a run that differs in a varying nested value or lacks a parameter as the point', () => {
    const runs = runsOf([{ a: 'x', nested: { b: 2, c: true }, d: 0.5 }, { a: 'x', d: 0 }]);
    const [next] = gridSearch(sweep('grid', space), runs, { count: 1, seed: 0 }).proposals;
    expect(next!.reason).toBe('grid 1/12');
  });

  // W&B's grid_search.py hashes, per run, only the values of the grid's categorical parameters
  // (int_uniform and q_uniform turned into categoricals; `value:` constants are not among them),
  // each read at its nested path, so the rest of a run's config plays no part in the match.
  it('matches a run on the varying parameters only, as W&B: a differing constant or extra nested keys still take the point', () => {
    const runs = runsOf([
      { a: 'x', nested: { b: 1, c: false }, d: 0 }, // differs in the constant nested.c
      { a: 'x', nested: { b: 1, c: true, extra: [1, 2] }, d: 0.5 }, // an extra key inside the nested dict
    ]);
    const proposals = gridSearch(sweep('grid', space), runs, { count: 2, seed: 0 }).proposals;
    expect(proposals).toEqual([
      { config: { a: 'x', nested: { b: 1, c: true }, d: 1 }, reason: 'grid 3/12' },
      { config: { a: 'x', nested: { b: 2, c: true }, d: 0 }, reason: 'grid 4/12' },
    ]);
    // a categorical whose values are dicts compares the whole dict, as W&B's yaml_hash does
    const dicts: ParameterSpace = { opt: { distribution: 'categorical', values: [{ lr: 1 }, { lr: 2 }] } };
    expect(gridSearch(sweep('grid', dicts), runsOf([{ opt: { lr: 1, momentum: 0 } }]), { count: 1, seed: 0 }).proposals[0]!.reason).toBe('grid 1/2');
  });

  it('walks W&B\'s q_uniform points: min, min+q, … below max', () => {
    const s: ParameterSpace = { batch: { distribution: 'q_uniform', min: 32, max: 128, q: 32 }, w: { distribution: 'q_uniform', min: 0.1, max: 0.5, q: 0.1 } };
    const proposals = gridSearch(sweep('grid', s), [], { count: 100, seed: 0 }).proposals;
    expect(proposals.map((p) => [p.config.batch, p.config.w])).toEqual([32, 64, 96].flatMap((b) => [0.1, 0.2, 0.3, 0.4].map((w) => [b, w])));
    expect(gridSize(sweep('grid', s))).toBe(12n);
  });

  it('returns [] when exhausted, and the same proposals whatever the seed', () => {
    const config = sweep('grid', discreteSpace);
    const all = gridSearch(config, [], { count: 1000, seed: 1 }).proposals;
    expect(all).toHaveLength(discreteSize);
    expect(gridSearch(config, [], { count: 1000, seed: 2 }).proposals).toEqual(all);
    expect(gridSearch(config, runsOf(all.map((p) => p.config)), { count: 1, seed: 1 }).proposals).toEqual([]);
  });

  it('walks a huge product without materialising it', () => {
    const wide: ParameterSpace = {};
    for (let i = 0; i < 30; i++) wide[`p${i}`] = { distribution: 'int_uniform', min: 0, max: 9 };
    const config = sweep('grid', wide);
    expect(gridSize(config)).toBe(10n ** 30n);
    const started = performance.now();
    const proposals = gridSearch(config, [], { count: 3, seed: 0 }).proposals;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(proposals.map((p) => p.reason)).toEqual([1, 2, 3].map((i) => `grid ${i}/${10n ** 30n}`));
    expect(proposals[2]!.config.p29).toBe(2);
    expect(proposals[2]!.config.p28).toBe(0);
  });

  it('counts grid sizes: categorical × int range × q multiples inside the bounds', () => {
    expect(gridSize(sweep('grid', discreteSpace))).toBe(BigInt(discreteSize));
    expect(gridSize(sweep('grid', space))).toBe(12n);
    expect(gridSize(sweep('grid', {}))).toBe(1n);
    expect(gridSearch(sweep('grid', {}), [], { count: 2, seed: 0 }).proposals).toEqual([{ config: {}, reason: 'grid 1/1' }]);
  });

  it('refuses a continuous parameter, naming it', () => {
    const s: ParameterSpace = { opt: { distribution: 'nested', parameters: { lr: { distribution: 'uniform', min: 0, max: 1 } } } };
    expect(() => gridSearch(sweep('grid', s), [], { count: 1, seed: 0 })).toThrow(HypersweepError);
    expect(() => gridSearch(sweep('grid', s), [], { count: 1, seed: 0 })).toThrow(/parameters\.opt\.parameters\.lr: grid search needs discrete parameters.*uniform/);
  });

  it('refuses a q so fine it would expand to millions of values', () => {
    const s: ParameterSpace = { x: { distribution: 'q_uniform', min: 0, max: 1, q: 1e-9 } };
    expect(() => gridSearch(sweep('grid', s), [], { count: 1, seed: 0 })).toThrow(/parameters\.x: expands to \d+ grid values/);
  });
});
