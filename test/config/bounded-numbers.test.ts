/**
 * Issue 13: numbers in range. run_timeout_sec is bounded; hyperband's eta, s, max_iter and
 * min_iter are bounded so its bracket list stays small (eta 1.000001 with huge max_iter and s
 * built millions of brackets, 3 s and 0.5 GB, on every batch of metrics).
 */
import { describe, expect, it } from 'vitest';
import { checkSweepConfig, parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { MAX_HYPERBAND_ETA, MAX_HYPERBAND_ITER, MAX_HYPERBAND_S, MAX_RUN_TIMEOUT_SEC } from '../../src/config/sweep-file-limits.js';
import type { SweepConfig } from '../../src/config/types.js';
import type { RunRecord } from '../../src/run-record.js';
import { hyperbandBrackets, hyperbandStop } from '../../src/stopping/hyperband.js';

const sweep = (extra: string) => `method: random\nmetric: {name: loss}\nparameters:\n  x: {value: 1}\n${extra}`;

describe('run_timeout_sec', () => {
  it('accepts 3000000 (34 days) and refuses more than MAX_RUN_TIMEOUT_SEC, at its line', () => {
    expect(parseSweepConfig(sweep('hypersweep: {run_timeout_sec: 3000000}\n')).execution.run_timeout_sec).toBe(3_000_000);
    const { errors } = checkSweepConfig(sweep(`hypersweep:\n  run_timeout_sec: ${MAX_RUN_TIMEOUT_SEC + 1}\n`));
    expect(errors).toEqual([expect.objectContaining({ line: 6, path: 'hypersweep.run_timeout_sec', message: expect.stringMatching(/at most 31536000/) })]);
  });
});

describe('hyperband limits', () => {
  it.each([
    ['s', `{type: hyperband, max_iter: 1000, s: ${MAX_HYPERBAND_S + 1}}`, /s must be at most 100/],
    ['max_iter', `{type: hyperband, max_iter: ${MAX_HYPERBAND_ITER + 1}, s: 3}`, /max_iter must be at most 1000000000/],
    ['min_iter', `{type: hyperband, min_iter: ${MAX_HYPERBAND_ITER + 1}}`, /min_iter must be at most/],
    ['eta', `{type: hyperband, min_iter: 1, eta: ${MAX_HYPERBAND_ETA * 10}}`, /eta must be at most 1000000/],
  ])('%s past its limit is an error naming it', (_key, et, message) => {
    const { config, errors } = checkSweepConfig(sweep(`early_terminate: ${et}\n`));
    expect(config).toBeUndefined();
    expect(errors).toEqual([expect.objectContaining({ line: 5, message: expect.stringMatching(message) })]);
  });

  it('the worst spec the parser allows makes at most 100 brackets', () => {
    const spec = parseSweepConfig(sweep(`early_terminate: {type: hyperband, max_iter: ${MAX_HYPERBAND_ITER}, s: ${MAX_HYPERBAND_S}, eta: 1.000001}\n`)).early_terminate!;
    expect(hyperbandBrackets(spec as never).length).toBeLessThanOrEqual(100);
  });

  it('a stored spec past the limits (written before them) still gives at most MAX_HYPERBAND_S brackets, fast', () => {
    const config: SweepConfig = {
      method: 'random',
      parameters: { x: { distribution: 'constant', value: 1 } },
      metric: { name: 'loss', goal: 'minimize' },
      early_terminate: { type: 'hyperband', max_iter: 1e15, s: 1e9, eta: 1.000001, strict: true },
      execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false },
      extra: {},
    } as unknown as SweepConfig;
    const spec = config.early_terminate as { max_iter: number; s: number; eta: number };
    expect(hyperbandBrackets(spec as never)).toHaveLength(MAX_HYPERBAND_S);
    const runs: RunRecord[] = Array.from({ length: 200 }, (_, i) => ({
      id: `r${i}`,
      state: 'running',
      config: { x: 1 },
      history: Array.from({ length: 50 }, (_, step) => ({ _step: step, loss: (i % 17) + step / 100 })),
      summary: {},
    })) as unknown as RunRecord[];
    const t0 = performance.now();
    for (let batch = 0; batch < 20; batch++) hyperbandStop(config, runs);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
