import { describe, expect, it } from 'vitest';
import { HypersweepError } from '../../src/errors.js';
import { nextRuns } from '../../src/search/next-runs.js';
import { discreteSpace, sweep } from './sweep-fixtures.js';

describe('nextRuns', () => {
  it('dispatches on method and defaults count to 1', () => {
    expect(nextRuns(sweep('grid', discreteSpace), [], { seed: 1 }).proposals).toEqual([
      { config: { optimizer: 'adam', layers: 1, schedule: { warmup: 0, kind: 'cosine' } }, reason: 'grid 1/60' },
    ]);
    const [random] = nextRuns(sweep('random', discreteSpace), [], { seed: 1 }).proposals;
    expect(random!.reason).toBe('random');
  });

  it('returns [] for count 0 and refuses a bad count or seed', () => {
    expect(nextRuns(sweep('random', discreteSpace), [], { count: 0, seed: 1 }).proposals).toEqual([]);
    expect(() => nextRuns(sweep('random', discreteSpace), [], { count: -1, seed: 1 })).toThrow(HypersweepError);
    expect(() => nextRuns(sweep('random', discreteSpace), [], { count: 1.5, seed: 1 })).toThrow(/count must be a non-negative integer/);
    expect(() => nextRuns(sweep('random', discreteSpace), [], { count: 1, seed: Number.NaN })).toThrow(/seed must be a finite number/);
  });

  it('refuses an unknown method', () => {
    const config = { ...sweep('grid', discreteSpace), method: 'hyperopt' } as unknown as ReturnType<typeof sweep>;
    expect(() => nextRuns(config, [], { seed: 1 })).toThrow(/unknown search method "hyperopt"/);
  });
});
