import { describe, expect, it, vi } from 'vitest';
import type { Config, ParameterSpace, SweepConfig } from '../../../src/config/types.js';
import type { RunRecord, RunState } from '../../../src/run-record.js';
import { bayesSearch } from '../../../src/search/bayes/bayes-search.js';
import { collectObservations } from '../../../src/search/bayes/bayes-observations.js';
import { canonicalJson } from '../../../src/space/config-hash.js';
import { unitCube } from '../../../src/space/unit-cube.js';

function sweep(parameters: ParameterSpace, goal: 'minimize' | 'maximize' = 'minimize'): SweepConfig {
  return {
    method: 'bayes',
    parameters,
    metric: { name: 'loss', goal, summary: 'best' },
    execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false },
    extra: {},
  };
}

const run = (i: number, config: Config, state: RunState, loss?: number): RunRecord => ({
  id: `r${i}`,
  state,
  config,
  history: loss === undefined ? [] : [{ _step: 0, loss }],
});

const line: ParameterSpace = { x: { distribution: 'uniform', min: 0, max: 1 } };
const f1 = (x: number): number => (x - 0.37) ** 2 + 0.05 * Math.sin(9 * x);
// minimum of f1 on [0, 1], by a fine grid
const xStar = Array.from({ length: 100001 }, (_, i) => i / 100000).reduce((a, b) => (f1(b) < f1(a) ? b : a));

/** Sequential optimization of f: each proposal becomes a finished run. */
function optimize(config: SweepConfig, f: (c: Config) => number, budget: number, seed = 1): RunRecord[] {
  const runs: RunRecord[] = [];
  for (let t = 0; t < budget; t++) {
    const [p] = bayesSearch(config, runs, { count: 1, seed }).proposals;
    expect(p).toBeDefined();
    runs.push(run(t, p!.config, 'finished', f(p!.config)));
  }
  return runs;
}

describe('bayesSearch', () => {
  it('converges near the minimum of a 1-D function within 20 runs', () => {
    const runs = optimize(sweep(line), (c) => f1(c.x as number), 20);
    const best = runs.reduce((a, b) => (b.history[0]!.loss! < a.history[0]!.loss! ? b : a));
    expect(Math.abs((best.config.x as number) - xStar)).toBeLessThan(0.01);
  });

  it('maximizes when the goal says so', () => {
    const runs = optimize(sweep(line, 'maximize'), (c) => -f1(c.x as number), 20, 2);
    const best = Math.max(...runs.map((r) => r.history[0]!.loss!));
    expect(best).toBeGreaterThan(-f1(xStar) - 1e-3);
  });

  it('states the initial design, then the EI and the run count', () => {
    const space: ParameterSpace = { x: line.x!, y: { distribution: 'uniform', min: -1, max: 1 } };
    const first = bayesSearch(sweep(space), [], { count: 1, seed: 3 }).proposals;
    expect(first[0]!.reason).toBe('bayes: initial design, 0/3 runs scored');
    const runs = [0.1, 0.5, 0.9].map((x, i) => run(i, { x, y: x - 0.5 }, 'finished', x));
    const [p] = bayesSearch(sweep(space), runs, { count: 1, seed: 3 }).proposals;
    expect(p!.reason).toMatch(/^bayes: EI [0-9.e+-]+ after 3 runs$/);
  });

  it('is deterministic under a seed and differs across seeds', () => {
    const runs = optimize(sweep(line), (c) => f1(c.x as number), 8, 4);
    const a = bayesSearch(sweep(line), runs, { count: 3, seed: 10 }).proposals;
    const b = bayesSearch(sweep(line), structuredClone(runs), { count: 3, seed: 10 }).proposals;
    expect(b).toEqual(a);
    const c = bayesSearch(sweep(line), runs, { count: 3, seed: 11 }).proposals;
    expect(c).not.toEqual(a);
  });

  it('gives the same proposals whatever its memo holds (outputs are a function of the inputs)', async () => {
    const runs = optimize(sweep(line), (c) => f1(c.x as number), 9, 5);
    const warm = bayesSearch(sweep(line), runs, { count: 2, seed: 6 }).proposals; // memo extended from 8 runs to 9
    vi.resetModules();
    const fresh = await import('../../../src/search/bayes/bayes-search.js');
    expect(fresh.bayesSearch).not.toBe(bayesSearch);
    expect(fresh.bayesSearch(sweep(line), runs, { count: 2, seed: 6 }).proposals).toEqual(warm);
  });

  it('gives parallel agents distinct proposals (count 4), away from existing runs', () => {
    const runs = optimize(sweep(line), (c) => f1(c.x as number), 8, 7);
    const proposals = bayesSearch(sweep(line), runs, { count: 4, seed: 7 }).proposals;
    expect(proposals).toHaveLength(4);
    const xs = proposals.map((p) => p.config.x as number).sort((a, b) => a - b);
    expect(new Set(xs.map(String)).size).toBe(4);
    // early on (8 runs) the batch spreads out instead of stacking on the EI peak
    expect(xs[3]! - xs[0]!).toBeGreaterThan(0.05);
    const taken = new Set(runs.map((r) => canonicalJson(r.config)));
    for (const p of proposals) expect(taken.has(canonicalJson(p.config))).toBe(false);
    expect(proposals[1]!.reason).toContain('batch 2/4');
  });

  it('treats running runs as fantasies: a proposal moves away from a point being run', () => {
    const finished = optimize(sweep(line), (c) => f1(c.x as number), 5, 8);
    const [alone] = bayesSearch(sweep(line), finished, { count: 1, seed: 8 }).proposals;
    const withRunning = [...finished, run(99, alone!.config, 'running')];
    const [next] = bayesSearch(sweep(line), withRunning, { count: 1, seed: 8 }).proposals;
    expect(canonicalJson(next!.config)).not.toBe(canonicalJson(alone!.config));
    expect(Math.abs((next!.config.x as number) - (alone!.config.x as number))).toBeGreaterThan(0.01);
    expect(next!.reason).toContain('1 running');
  });

  it('never proposes a config equal to an existing run in a small discrete space, and returns fewer once it is used up', () => {
    const space: ParameterSpace = {
      a: { distribution: 'categorical', values: ['p', 'q', 'r'] },
      b: { distribution: 'int_uniform', min: 1, max: 3 },
    };
    const runs: RunRecord[] = [];
    for (let t = 0; t < 9; t++) {
      const [p] = bayesSearch(sweep(space), runs, { count: 1, seed: 1 }).proposals;
      expect(p).toBeDefined();
      expect(runs.map((r) => canonicalJson(r.config))).not.toContain(canonicalJson(p!.config));
      runs.push(run(t, p!.config, 'finished', (p!.config.b as number) + (p!.config.a === 'q' ? 0 : 1)));
    }
    expect(bayesSearch(sweep(space), runs, { count: 2, seed: 1 }).proposals).toEqual([]);
  });

  it('decodes valid values for int, q, log, categorical and nested parameters once the model is on', () => {
    const space: ParameterSpace = {
      lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 },
      layers: { distribution: 'int_uniform', min: 1, max: 6 },
      batch: { distribution: 'q_log_uniform_values', min: 16, max: 256, q: 16 },
      opt: { distribution: 'categorical', values: ['adam', 'sgd'] },
      net: { distribution: 'nested', parameters: { width: { distribution: 'q_uniform', min: 8, max: 64, q: 8 }, kind: { distribution: 'constant', value: 'mlp' } } },
    };
    const f = (c: Config): number =>
      (Math.log10(c.lr as number) + 3) ** 2 + ((c.layers as number) - 3) ** 2 / 4 + (c.opt === 'adam' ? 0 : 0.5) + Math.abs(((c.net as Config).width as number) - 32) / 32;
    const runs = optimize(sweep(space), f, 12, 9);
    const proposals = bayesSearch(sweep(space), runs, { count: 4, seed: 9 }).proposals;
    expect(proposals).toHaveLength(4);
    for (const { config: c } of [...proposals, ...runs]) {
      expect(c.lr).toBeGreaterThanOrEqual(1e-5);
      expect(c.lr).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(c.layers) && (c.layers as number) >= 1 && (c.layers as number) <= 6).toBe(true);
      expect(Number.isInteger(c.batch) && (c.batch as number) % 16 === 0 && (c.batch as number) >= 16 && (c.batch as number) <= 256).toBe(true);
      expect(['adam', 'sgd']).toContain(c.opt);
      const net = c.net as Config;
      expect(Object.keys(net)).toEqual(['width', 'kind']);
      expect(net.kind).toBe('mlp');
      expect((net.width as number) % 8).toBe(0);
    }
    expect(proposals[0]!.reason).toMatch(/^bayes: EI .* after 12 runs/);
  });

  it('proposes the single config of an all-constant space once', () => {
    const space: ParameterSpace = { a: { distribution: 'constant', value: 1 } };
    expect(bayesSearch(sweep(space), [], { count: 2, seed: 1 }).proposals).toEqual([{ config: { a: 1 }, reason: 'bayes: the space has a single config' }]);
    expect(bayesSearch(sweep(space), [run(0, { a: 1 }, 'finished', 1)], { count: 1, seed: 1 }).proposals).toEqual([]);
  });
});

describe('collectObservations', () => {
  const cube = unitCube(line);
  const metric = { name: 'loss', goal: 'minimize' as const, summary: 'best' as const };

  it('imputes failed and crashed runs (and finished runs without a value) with the worst score; stopped runs keep theirs', () => {
    const runs = [
      run(0, { x: 0.1 }, 'finished', 2),
      run(1, { x: 0.2 }, 'failed'),
      run(2, { x: 0.3 }, 'stopped', 5),
      run(3, { x: 0.4 }, 'finished'),
      run(4, { x: 0.5 }, 'running', 0.1),
      run(5, { x: 0.6 }, 'pending'),
      run(6, { x: 0.7 }, 'crashed', 0.3),
      run(7, { x: 0.8 }, 'canceled'),
    ];
    const obs = collectObservations(runs, metric, cube);
    // A crashed run is final (issue 11): imputed like a failed one, never a fantasy.
    expect(obs.n).toBe(5);
    expect(Array.from(obs.loss)).toEqual([2, 5, 5, 5, 5]);
    expect(obs.scored).toBe(2);
    expect(obs.imputed).toBe(3);
    expect(obs.pending.map((p) => p[0])).toEqual([0.5, 0.6]);
  });

  it('negates scores when the goal is maximize, so the worst is the lowest score', () => {
    const obs = collectObservations([run(0, { x: 0.1 }, 'finished', 2), run(1, { x: 0.2 }, 'finished', 7), run(2, { x: 0.3 }, 'failed')], { ...metric, goal: 'maximize' }, cube);
    expect(Array.from(obs.loss)).toEqual([-2, -7, -2]);
  });

  it('says in the reason that failed runs were imputed', () => {
    const runs = [run(0, { x: 0.1 }, 'finished', 2), run(1, { x: 0.5 }, 'finished', 1), run(2, { x: 0.9 }, 'failed')];
    const [p] = bayesSearch(sweep(line), runs, { count: 1, seed: 1 }).proposals;
    expect(p!.reason).toContain('1 failed imputed worst');
  });
});
