import { describe, expect, it } from 'vitest';
import type { MetricSpec } from '../../src/config/types.js';
import type { HistoryRow } from '../../src/run-record.js';
import { meetsTargets, objectivesOf, runScores } from '../../src/metrics/objectives.js';

const loss: MetricSpec = { name: 'loss', goal: 'minimize', summary: 'best' };
const acc: MetricSpec = { name: 'acc', goal: 'maximize', summary: 'last' };

describe('objectives', () => {
  it('objectivesOf: metrics when given, else the one metric, else none', () => {
    expect(objectivesOf({ metric: loss, metrics: [loss, acc] })).toEqual([loss, acc]);
    expect(objectivesOf({ metric: acc })).toEqual([acc]);
    expect(objectivesOf({})).toEqual([]);
  });

  it('runScores: one value per metric, each by its own summary rule and goal', () => {
    const history: HistoryRow[] = [{ _step: 0, loss: 0.5, acc: 0.9 }, { _step: 1, loss: 0.3, acc: 0.7 }, { _step: 2, loss: 0.4 }];
    const run = { history };
    expect(runScores(run, [loss, acc])).toEqual([0.3, 0.7]);
    expect(runScores({ history: [{ _step: 0, loss: 1 }] }, [loss, acc])).toEqual([1, undefined]);
  });

  it('meetsTargets: every target reached (equal counts), each in its own direction', () => {
    const metrics = [{ ...loss, target: 0.2 }, { ...acc, target: 0.9 }];
    expect(meetsTargets([0.2, 0.9], metrics)).toBe(true);
    expect(meetsTargets([0.1, 0.95], metrics)).toBe(true);
    expect(meetsTargets([0.1, 0.89], metrics)).toBe(false);
    expect(meetsTargets([0.21, 0.99], metrics)).toBe(false);
    expect(meetsTargets([undefined, 0.99], metrics)).toBe(false);
  });

  it('meetsTargets: metrics without a target do not block; no target at all never finishes', () => {
    expect(meetsTargets([5, 0.95], [loss, { ...acc, target: 0.9 }])).toBe(true);
    expect(meetsTargets([undefined, 0.95], [loss, { ...acc, target: 0.9 }])).toBe(true);
    expect(meetsTargets([0, 1], [loss, acc])).toBe(false);
  });
});
