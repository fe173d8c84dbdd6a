import { describe, expect, it } from 'vitest';
import type { Config, ParameterSpace, SweepConfig } from '../../../src/config/types.js';
import type { RunRecord } from '../../../src/run-record.js';
import { bayesSearch } from '../../../src/search/bayes/bayes-search.js';
import { fitKernel } from '../../../src/search/bayes/fit-kernel.js';
import { MIN_RANK_CORRELATION, modelCheck } from '../../../src/search/bayes/model-check.js';
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
    const { x, y } = design(40, (u) => (u[0]! - 0.3) ** 2 + Math.sin(3 * u[1]!) + 0.5 * u[2]!);
    const check = modelCheck(x, y, 40, dims, fit);
    expect(check.heldOut).toBe(40);
    expect(check.rankCorrelation).toBeGreaterThan(0.7);
    expect(check.trusted).toBe(true);
  });

  it('does not trust a model of pure noise (held-out ranks near chance)', () => {
    const draw = noise('direct');
    const { x, y } = design(40, () => draw());
    const check = modelCheck(x, y, 40, dims, fit);
    expect(check.rankCorrelation).toBeLessThan(MIN_RANK_CORRELATION);
    expect(check.trusted).toBe(false);
  });
});

describe('bayes safeguard', () => {
  it('on pure noise proposes space-filling points and says why', () => {
    const draw = noise('sweep');
    const runs: RunRecord[] = [];
    const reasons: string[] = [];
    for (let t = 0; t < 40; t++) {
      const [p] = bayesSearch(sweep, runs, { count: 1, seed: 7 }).proposals;
      reasons.push(p!.reason);
      runs.push({ id: `r${t}`, state: 'finished', config: p!.config as Config, history: [{ _step: 0, loss: draw() }] });
    }
    const distrusted = reasons.filter((r) => /^bayes: model not trustworthy \(held-out rank correlation -?[0-9.]+ < 0\.10 on \d+ runs\), space-filling point$/.test(r));
    // after the initial design (7 runs) the model is checked at every proposal; on noise it
    // fails most checks (by chance a few pass: the held-out rank correlation is 0 ± 1/√runs)
    expect(distrusted.length).toBeGreaterThanOrEqual(18);
  });

  it('on a smooth function keeps following the model', () => {
    const runs: RunRecord[] = [];
    const reasons: string[] = [];
    for (let t = 0; t < 24; t++) {
      const [p] = bayesSearch(sweep, runs, { count: 1, seed: 7 }).proposals;
      reasons.push(p!.reason);
      const u = Object.values(p!.config) as number[];
      runs.push({ id: `r${t}`, state: 'finished', config: p!.config as Config, history: [{ _step: 0, loss: (u[0]! - 0.3) ** 2 + Math.sin(3 * u[1]!) + 0.5 * u[2]! }] });
    }
    expect(reasons.filter((r) => r.includes('not trustworthy'))).toEqual([]);
    expect(reasons.filter((r) => r.startsWith('bayes: EI')).length).toBeGreaterThanOrEqual(15);
  });
});
