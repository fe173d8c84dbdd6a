import { describe, expect, it } from 'vitest';
import type { Config, ParameterSpace, SweepConfig } from '../../../src/config/types.js';
import type { RunRecord } from '../../../src/run-record.js';
import { bayesSearch } from '../../../src/search/bayes/bayes-search.js';
import { fitKernel } from '../../../src/search/bayes/fit-kernel.js';
import { MIN_FOLD, MIN_RANK_CORRELATION, modelCheck } from '../../../src/search/bayes/model-check.js';
import { createRng } from '../../../src/space/rng.js';

const dims = 6;
const space: ParameterSpace = Object.fromEntries(Array.from({ length: dims }, (_, i) => [`x${i}`, { distribution: 'uniform', min: 0, max: 1 }]));
const sweep: SweepConfig = {
  method: 'bayes',
  parameters: space,
  metric: { name: 'loss', goal: 'minimize', summary: 'best' },
  execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false },
  extra: {},
};

function design(n: number, f: (u: number[], i: number) => number): { x: Float64Array; y: Float64Array } {
  const rng = createRng('model-check', n);
  const x = Float64Array.from({ length: n * dims }, () => rng.next());
  const y = Float64Array.from({ length: n }, (_, i) => f(Array.from(x.subarray(i * dims, (i + 1) * dims)), i));
  return { x, y };
}
const fit = (x: Float64Array, y: Float64Array, n: number) => fitKernel(x, y, n, dims, createRng('fit', n));
const noise = (seed: string) => {
  const rng = createRng('noise', seed);
  return () => rng.next();
};

describe('modelCheck', () => {
  it('trusts a model of a smooth function: it ranks held-out runs well', () => {
    const { x, y } = design(60, (u) => (u[0]! - 0.3) ** 2 + Math.sin(3 * u[1]!) + 0.5 * u[2]!);
    const check = modelCheck(x, y, 60, dims, fit);
    expect(check.heldOut).toBe(60);
    expect(check.rankCorrelation).toBeGreaterThan(0.7);
    expect(check.trusted).toBe(true);
  });

  it('does not trust a model of pure noise (held-out ranks near chance)', () => {
    const draw = noise('direct');
    const { x, y } = design(60, () => draw());
    const check = modelCheck(x, y, 60, dims, fit);
    expect(check.rankCorrelation).toBeLessThan(MIN_RANK_CORRELATION);
    expect(check.trusted).toBe(false);
  });

  it('cannot tell with fewer than MIN_FOLD runs per fold, and trusts', () => {
    const draw = noise('small');
    const { x, y } = design(2 * MIN_FOLD - 1, () => draw());
    const check = modelCheck(x, y, 2 * MIN_FOLD - 1, dims, fit);
    expect(check.trusted).toBe(true);
    expect(check.rankCorrelation).toBeNaN();
  });
});

/** `n` finished runs at random configs of the sweep's space, scored by `f`. */
function randomRuns(n: number, tag: string, f: (u: number[]) => number): RunRecord[] {
  const rng = createRng('safeguard-runs', tag);
  return Array.from({ length: n }, (_, t) => {
    const u = Array.from({ length: dims }, () => rng.next());
    const config: Config = Object.fromEntries(u.map((v, i) => [`x${i}`, v]));
    return { id: `r${t}`, state: 'finished', config, history: [{ _step: 0, loss: f(u) }] };
  });
}

describe('bayes safeguard', () => {
  const distrust = /^bayes: model not trustworthy \(held-out correlation -?[0-9.]+, rank -?[0-9.]+, both < 0\.00 on 60 runs\), trust region around the best runs: EI [0-9.e+-]+ after 60 runs$/;

  it('on pure noise proposes from a trust region around the best runs and says why', () => {
    const reasons = ['a', 'b', 'c', 'd', 'e', 'f'].map((tag) => {
      const draw = noise(tag);
      const [p] = bayesSearch(sweep, randomRuns(60, tag, () => draw()), { count: 1, seed: 7 }).proposals;
      return p!.reason;
    });
    // chance gives held-out correlations of 0 ± 0.13 on 60 runs: about half the draws fall below 0
    expect(reasons.filter((r) => distrust.test(r)).length).toBeGreaterThanOrEqual(3);
    expect(reasons.every((r) => distrust.test(r) || r.startsWith('bayes: EI'))).toBe(true);
  }, 60_000);

  it('on a smooth function follows the model', () => {
    for (const tag of ['a', 'b', 'c']) {
      const runs = randomRuns(60, tag, (u) => (u[0]! - 0.3) ** 2 + Math.sin(3 * u[1]!) + 0.5 * u[2]!);
      const [p] = bayesSearch(sweep, runs, { count: 1, seed: 7 }).proposals;
      expect(p!.reason).toMatch(/^bayes: EI [0-9.e+-]+ after 60 runs$/);
    }
  }, 60_000);
});
