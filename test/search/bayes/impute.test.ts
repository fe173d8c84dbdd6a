/**
 * W&B's `metric.impute` and `metric.impute_while_running`, as sweeps/bayes_search.py defines
 * them: `worst` (default) is, over ended runs, each run's extremum against the goal (history and
 * summary), then the worst of those; `best` the failed run's own best; `latest` its last logged
 * value; a running run under `impute_while_running` is an observation (its best value), not a
 * fantasy. Losses are negated scores when the goal is maximize.
 */
import { describe, expect, it } from 'vitest';
import type { MetricSpec } from '../../../src/config/types.js';
import type { RunRecord, RunState } from '../../../src/run-record.js';
import { collectObservations } from '../../../src/search/bayes/bayes-observations.js';
import { bayesSearch } from '../../../src/search/bayes/bayes-search.js';
import { unitCube } from '../../../src/space/unit-cube.js';

const cube = unitCube({ x: { distribution: 'uniform', min: 0, max: 1 } });
const run = (i: number, state: RunState, values: number[], summary?: number): RunRecord => ({
  id: `r${i}`,
  state,
  config: { x: i / 10 },
  history: values.map((loss, step) => ({ _step: step, loss })),
  ...(summary !== undefined ? { summary: { loss: summary } } : {}),
});
const metric = (over: Partial<MetricSpec> = {}): MetricSpec => ({ name: 'loss', goal: 'minimize', summary: 'best', ...over });

describe('impute (failed and crashed runs)', () => {
  const runs = [run(1, 'finished', [5, 1]), run(2, 'finished', [3, 2], 2.5), run(3, 'failed', [4, 2.5, 3]), run(4, 'crashed', [9, 8])];

  it("worst (W&B's default): the worst value any ended run logged, failed and crashed ones included", () => {
    for (const m of [metric(), metric({ impute: 'worst' })]) {
      const obs = collectObservations(runs, m, cube);
      expect(Array.from(obs.loss)).toEqual([1, 2, 9, 9]);
      expect([obs.scored, obs.imputed, obs.imputedAs]).toEqual([2, 2, 'worst']);
    }
  });

  it("best: the failed run's own best value; latest: its last logged value", () => {
    expect(Array.from(collectObservations(runs, metric({ impute: 'best' }), cube).loss)).toEqual([1, 2, 2.5, 8]);
    expect(Array.from(collectObservations(runs, metric({ impute: 'latest' }), cube).loss)).toEqual([1, 2, 3, 8]);
  });

  it('maximize: the worst is the lowest value, and losses are negated', () => {
    const obs = collectObservations([run(1, 'finished', [5, 7]), run(2, 'failed', [4, 6])], metric({ goal: 'maximize' }), cube);
    expect(Array.from(obs.loss)).toEqual([-7, -4]);
    const best = collectObservations([run(1, 'finished', [5, 7]), run(2, 'failed', [4, 6])], metric({ goal: 'maximize', impute: 'best' }), cube);
    expect(Array.from(best.loss)).toEqual([-7, -6]);
  });

  it('a failed run that logged nothing gets the worst value under every strategy (W&B would use 0.0, an invented optimum)', () => {
    for (const impute of ['best', 'latest', 'worst'] as const) {
      expect(Array.from(collectObservations([run(1, 'finished', [5, 1]), run(2, 'failed', [])], metric({ impute }), cube).loss)).toEqual([1, 5]);
    }
  });

  it('the reason names the strategy', () => {
    const many = [0.1, 0.5, 0.9].map((x, i) => ({ ...run(i, 'finished', [x]), config: { x } }));
    const config = { method: 'bayes' as const, parameters: { x: { distribution: 'uniform' as const, min: 0, max: 1 } }, metric: metric({ impute: 'latest' }), execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false }, extra: {} };
    const [p] = bayesSearch(config, [...many, { ...run(7, 'failed', [0.8, 0.6]), config: { x: 0.33 } }], { count: 1, seed: 1 }).proposals;
    expect(p!.reason).toContain('1 failed imputed latest');
  });
});

describe('impute_while_running', () => {
  const runs = [run(1, 'finished', [5, 1]), run(2, 'running', [0.7, 0.4, 0.6]), run(3, 'running', []), run(4, 'pending', [])];

  it("unset or 'false': running runs are fantasies (W&B's default)", () => {
    for (const m of [metric(), metric({ impute_while_running: 'false' })]) {
      const obs = collectObservations(runs, m, cube);
      expect(obs.n).toBe(1);
      expect(obs.pending.map((p) => p[0])).toEqual([0.2, 0.3, 0.4]);
    }
  });

  it('set: a running run is an observation with its best value so far; one without a value is imputed', () => {
    const obs = collectObservations(runs, metric({ impute_while_running: 'latest' }), cube);
    expect(Array.from(obs.loss)).toEqual([1, 0.4, 5]);
    expect(obs.pending.map((p) => p[0])).toEqual([0.4]);
    expect([obs.scored, obs.imputed]).toEqual([2, 1]);
  });
});
