import { describe, expect, it } from 'vitest';
import type { ParameterSpace } from '../../src/config/types.js';
import { randomSearch } from '../../src/search/random.js';
import { canonicalJson } from '../../src/space/config-hash.js';
import { continuousSpace, runsOf, sweep } from './sweep-fixtures.js';

describe('random search', () => {
  it('gives reason `random` and differs between seeds', () => {
    const config = sweep('random', continuousSpace);
    const a = randomSearch(config, [], { count: 3, seed: 1 }).proposals;
    const b = randomSearch(config, [], { count: 3, seed: 2 }).proposals;
    expect(a.map((p) => p.reason)).toEqual(['random', 'random', 'random']);
    expect(canonicalJson(a.map((p) => p.config))).not.toBe(canonicalJson(b.map((p) => p.config)));
  });

  it('derives its stream from the number of runs: a new run gives new proposals', () => {
    const config = sweep('random', continuousSpace);
    const first = randomSearch(config, [], { count: 1, seed: 1 }).proposals;
    const second = randomSearch(config, runsOf(first.map((p) => p.config)), { count: 1, seed: 1 }).proposals;
    expect(second[0]!.config).not.toEqual(first[0]!.config);
  });

  it('finds the last free point of a finite space even when draws keep hitting taken ones', () => {
    const space: ParameterSpace = { x: { distribution: 'int_uniform', min: 1, max: 2000 } };
    const taken = Array.from({ length: 1999 }, (_, i) => ({ x: i + 1 })); // only 2000 is free
    const proposals = randomSearch(sweep('random', space), runsOf(taken), { count: 3, seed: 4 }).proposals;
    expect(proposals).toEqual([{ config: { x: 2000 }, reason: 'random' }]);
  });

  it('samples categorical probabilities as given', () => {
    const space: ParameterSpace = { c: { distribution: 'categorical', values: ['a', 'b', 'c'], probabilities: [0.1, 0.0, 0.9] } };
    // a 3-point space would be used up after 3 proposals, so count draws over many seeds instead
    let a = 0;
    let c = 0;
    for (let seed = 0; seed < 2000; seed++) {
      const [p] = randomSearch(sweep('random', space), [], { count: 1, seed }).proposals;
      if (p!.config.c === 'a') a++;
      if (p!.config.c === 'c') c++;
    }
    expect(a + c).toBe(2000); // 'b' has probability 0
    expect(a / 2000).toBeGreaterThan(0.07);
    expect(a / 2000).toBeLessThan(0.13);
  });
});
