import { describe, expect, it } from 'vitest';
import type { MetricSpec } from '../../src/config/types.js';
import { isBetter, runScore } from '../../src/metrics/run-score.js';
import type { HistoryRow } from '../../src/run-record.js';

const metric = (goal: MetricSpec['goal'], summary: MetricSpec['summary'] = 'best'): MetricSpec => ({ name: 'loss', goal, summary });
const rows = (...values: Array<number | undefined>): HistoryRow[] =>
  values.map((v, i): HistoryRow => (v === undefined ? { _step: i, other: 1 } : { _step: i, loss: v }));

describe('runScore', () => {
  it('best: the lowest value when minimizing, the highest when maximizing', () => {
    const run = { history: rows(0.9, 0.4, 0.6) };
    expect(runScore(run, metric('minimize'))).toBe(0.4);
    expect(runScore(run, metric('maximize'))).toBe(0.9);
  });

  it('best: the summary counts alongside the history', () => {
    expect(runScore({ history: rows(0.9, 0.4), summary: { loss: 0.1 } }, metric('minimize'))).toBe(0.1);
    expect(runScore({ history: rows(0.9, 0.4), summary: { loss: 0.95 } }, metric('minimize'))).toBe(0.4);
    expect(runScore({ history: [], summary: { loss: 2 } }, metric('maximize'))).toBe(2);
  });

  it('last: the summary when present, else the last finite value', () => {
    expect(runScore({ history: rows(0.9, 0.4, 0.6) }, metric('minimize', 'last'))).toBe(0.6);
    expect(runScore({ history: rows(0.9, 0.4, 0.6), summary: { loss: 0.7 } }, metric('minimize', 'last'))).toBe(0.7);
    expect(runScore({ history: rows(0.9, 0.4, Number.NaN, undefined) }, metric('maximize', 'last'))).toBe(0.4);
  });

  it('ignores NaN, infinities and rows without the metric', () => {
    const run = { history: rows(Number.NaN, 0.5, Number.NEGATIVE_INFINITY, undefined, 0.7), summary: { loss: Number.NaN } };
    expect(runScore(run, metric('minimize'))).toBe(0.5);
    expect(runScore(run, metric('maximize'))).toBe(0.7);
    expect(runScore({ history: rows(0.2), summary: { loss: Number.POSITIVE_INFINITY } }, metric('maximize', 'last'))).toBe(0.2);
  });

  it('is undefined when no finite value was logged', () => {
    expect(runScore({ history: [] }, metric('minimize'))).toBeUndefined();
    expect(runScore({ history: rows(undefined, Number.NaN), summary: { acc: 1 } }, metric('minimize'))).toBeUndefined();
    expect(runScore({ history: rows(undefined) }, metric('maximize', 'last'))).toBeUndefined();
  });

  it('reads the named metric only', () => {
    const history: HistoryRow[] = [{ _step: 0, loss: 3, acc: 0.1 }, { _step: 1, loss: 2, acc: 0.9 }];
    expect(runScore({ history }, { name: 'acc', goal: 'maximize', summary: 'best' })).toBe(0.9);
    expect(runScore({ history }, { name: 'loss', goal: 'maximize', summary: 'best' })).toBe(3);
  });
});

describe('isBetter', () => {
  it('is strict and follows the goal', () => {
    expect(isBetter(1, 2, 'minimize')).toBe(true);
    expect(isBetter(2, 1, 'minimize')).toBe(false);
    expect(isBetter(2, 1, 'maximize')).toBe(true);
    expect(isBetter(1, 1, 'maximize')).toBe(false);
    expect(isBetter(1, 1, 'minimize')).toBe(false);
  });
});
