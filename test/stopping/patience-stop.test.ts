import { describe, expect, it } from 'vitest';
import type { PatienceStopSpec } from '../../src/config/types.js';
import { patienceStop } from '../../src/stopping/patience-stop.js';
import { run, sweep } from './fixtures.js';

const patience = (spec: Partial<PatienceStopSpec> = {}): PatienceStopSpec => ({ type: 'patience', patience: 3, min_delta: 0, ...spec });

describe('patienceStop', () => {
  it('stops a run after `patience` reports without improvement', () => {
    expect(patienceStop(sweep(patience()), [run('r', 'running', [5, 4, 4, 4, 4])])).toEqual([
      { runId: 'r', reason: 'loss has not improved for 3 reports (best 4 at report 2 of 5; patience 3)' },
    ]);
  });

  it('lets a run with fewer stale reports continue; an equal value is no improvement', () => {
    expect(patienceStop(sweep(patience()), [run('r', 'running', [5, 4, 4, 4])])).toEqual([]);
    expect(patienceStop(sweep(patience()), [run('r', 'running', [5, 4, 4, 4, 3])])).toEqual([]);
  });

  it('counts only improvements by more than min_delta', () => {
    const et = patience({ min_delta: 0.5 });
    expect(patienceStop(sweep(et), [run('slow', 'running', [5, 4.8, 4.6, 4.55])])).toEqual([
      { runId: 'slow', reason: 'loss has not improved by more than 0.5 for 3 reports (best 5 at report 1 of 4; patience 3)' },
    ]);
    // 4.4 beats 5 by 0.6: it improves and becomes the best
    expect(patienceStop(sweep(et), [run('ok', 'running', [5, 4.8, 4.6, 4.4])])).toEqual([]);
  });

  it('maximize', () => {
    expect(patienceStop(sweep(patience(), { name: 'acc', goal: 'maximize' }), [run('r', 'running', [0.5, 0.6, 0.6, 0.59, 0.6], 'acc')])).toEqual([
      { runId: 'r', reason: 'acc has not improved for 3 reports (best 0.6 at report 2 of 5; patience 3)' },
    ]);
    expect(patienceStop(sweep(patience(), { name: 'acc', goal: 'maximize' }), [run('r', 'running', [0.5, 0.6, 0.6, 0.6, 0.61], 'acc')])).toEqual([]);
  });

  it('skips NaN and missing values when counting reports', () => {
    expect(patienceStop(sweep(patience()), [run('r', 'running', [5, Number.NaN, 4, undefined, 4, 4])])).toEqual([]);
  });

  it('never stops runs that are not running', () => {
    expect(patienceStop(sweep(patience()), [run('f', 'finished', [5, 5, 5, 5, 5]), run('s', 'stopped', [5, 5, 5, 5])])).toEqual([]);
  });
});
