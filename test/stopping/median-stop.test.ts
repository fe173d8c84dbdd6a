import { describe, expect, it } from 'vitest';
import type { MedianStopSpec } from '../../src/config/types.js';
import { medianStop } from '../../src/stopping/median-stop.js';
import { ids, run, sweep } from './fixtures.js';

const median = (spec: Partial<MedianStopSpec> = {}): MedianStopSpec => ({ type: 'median', warmup_runs: 2, warmup_steps: 2, ...spec });
const others = () => [run('a', 'finished', [1, 1, 1]), run('b', 'failed', [2, 2, 2]), run('c', 'stopped', [3, 3, 3])];

describe('medianStop', () => {
  it('stops a running run whose best so far is worse than the median of the others at its report count', () => {
    expect(medianStop(sweep(median()), [...others(), run('r', 'running', [5, 4])])).toEqual([
      { runId: 'r', reason: 'report 2: best loss 4 worse than median 2 of 3 other runs at 2 reports' },
    ]);
  });

  it('uses the other runs’ best over their first k reports, not their value at report k', () => {
    // others at 2 reports: best of [1, 9] = 1, of [2, 9] = 2, of [3, 9] = 3 -> median 2 (at-report values would give 9).
    const spiky = [run('a', 'finished', [1, 9, 9]), run('b', 'finished', [2, 9, 9]), run('c', 'finished', [3, 9, 9])];
    expect(ids(medianStop(sweep(median()), [...spiky, run('r', 'running', [5, 4])]))).toEqual(['r']);
  });

  it('averages the middle pair for an even count', () => {
    const four = [...others(), run('d', 'finished', [4, 4])];
    // median of [1, 2, 3, 4] is 2.5
    expect(medianStop(sweep(median()), [...four, run('r', 'running', [2.6, 2.6])])).toEqual([
      { runId: 'r', reason: 'report 2: best loss 2.6 worse than median 2.5 of 4 other runs at 2 reports' },
    ]);
    expect(medianStop(sweep(median()), [...four, run('r', 'running', [2.5, 2.5])])).toEqual([]); // tie survives
  });

  it('waits for warmup_steps reports of the run and warmup_runs other runs at that count', () => {
    expect(medianStop(sweep(median({ warmup_steps: 3 })), [...others(), run('r', 'running', [5, 4])])).toEqual([]);
    expect(medianStop(sweep(median({ warmup_runs: 4 })), [...others(), run('r', 'running', [5, 4])])).toEqual([]);
    // only 'a' and 'b' reached 3 reports: 2 others = warmup_runs 2 -> judged
    const mixed = [run('a', 'finished', [1, 1, 1]), run('b', 'finished', [2, 2, 2]), run('c', 'finished', [0, 0])];
    expect(medianStop(sweep(median()), [...mixed, run('r', 'running', [5, 5, 5])])).toEqual([
      { runId: 'r', reason: 'report 3: best loss 5 worse than median 1.5 of 2 other runs at 3 reports' },
    ]);
  });

  it('does not compare a run with itself, and counts running runs as others', () => {
    expect(medianStop(sweep(median({ warmup_runs: 1 })), [run('r', 'running', [5, 5])])).toEqual([]);
    const pair = [run('good', 'running', [1, 1]), run('bad', 'running', [5, 5])];
    expect(ids(medianStop(sweep(median({ warmup_runs: 1 })), pair))).toEqual(['bad']);
  });

  it('maximize: stops the run below the median', () => {
    const up = [run('a', 'finished', [-1, -1]), run('b', 'finished', [-2, -2]), run('c', 'finished', [-3, -3])];
    expect(medianStop(sweep(median(), { goal: 'maximize' }), [...up, run('r', 'running', [-5, -4]), run('ok', 'running', [-2, -1])])).toEqual([
      { runId: 'r', reason: 'report 2: best loss -4 worse than median -1.5 of 4 other runs at 2 reports' },
    ]);
  });

  it('skips NaN and missing values when counting reports', () => {
    const r = run('r', 'running', [5, Number.NaN, undefined]);
    expect(medianStop(sweep(median()), [...others(), r])).toEqual([]); // 1 report < warmup_steps 2
  });

  it('never stops runs that are not running', () => {
    expect(medianStop(sweep(median()), [...others(), run('done', 'finished', [9, 9]), run('p', 'pending', [])])).toEqual([]);
  });
});
