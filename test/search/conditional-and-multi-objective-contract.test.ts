/**
 * The search contract (search-method.ts) on the two richer kinds of sweep: conditional
 * parameters (`when:`) and several objectives (`metrics:`). Every method: no duplicate configs,
 * inactive parameters absent, finite spaces used up exactly (a grid is the sum over branches),
 * a reason on every proposal.
 */
import { describe, expect, it } from 'vitest';
import type { Config, ParameterSpace, SweepConfig } from '../../src/config/types.js';
import { RUN_STATES, type RunRecord } from '../../src/run-record.js';
import { gridSize } from '../../src/search/grid.js';
import { nextRuns } from '../../src/search/next-runs.js';
import { canonicalJson } from '../../src/space/config-hash.js';
import { sweep } from './sweep-fixtures.js';

const METHODS: Array<SweepConfig['method']> = ['grid', 'random', 'bayes'];

/** sgd: 2·2·2, adam: 2·3, rmsprop: 2·2 — 18 configs, not the 2·3·2·2·3 = 72 of the flat product. */
const branchy: ParameterSpace = {
  optimizer: { distribution: 'categorical', values: ['sgd', 'adam', 'rmsprop'] },
  lr: { distribution: 'categorical', values: [0.1, 0.01] },
  momentum: { distribution: 'categorical', values: [0, 0.9], when: { optimizer: ['sgd', 'rmsprop'] } },
  nesterov: { distribution: 'categorical', values: [true, false], when: { optimizer: ['sgd'] } },
  beta2: { distribution: 'categorical', values: [0.99, 0.999, 0.9999], when: { optimizer: ['adam'] } },
};
const BRANCHY_KEYS: Record<string, string[]> = {
  sgd: ['optimizer', 'lr', 'momentum', 'nesterov'],
  adam: ['optimizer', 'lr', 'beta2'],
  rmsprop: ['optimizer', 'lr', 'momentum'],
};

const continuous: ParameterSpace = {
  optimizer: { distribution: 'categorical', values: ['sgd', 'adam'] },
  lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 },
  momentum: { distribution: 'uniform', min: 0, max: 0.99, when: { optimizer: ['sgd'] } },
  adam: {
    distribution: 'nested',
    when: { optimizer: ['adam'] },
    parameters: {
      beta1: { distribution: 'uniform', min: 0.8, max: 0.999 },
      eps: { distribution: 'log_uniform_values', min: 1e-9, max: 1e-6 },
    },
  },
};

function expectContinuousActive(c: Config): void {
  if (c.optimizer === 'sgd') {
    expect(Object.keys(c)).toEqual(['optimizer', 'lr', 'momentum']);
    expect(c.momentum).toBeGreaterThanOrEqual(0);
    expect(c.momentum).toBeLessThanOrEqual(0.99);
  } else {
    expect(c.optimizer).toBe('adam');
    expect(Object.keys(c)).toEqual(['optimizer', 'lr', 'adam']);
    expect(Object.keys(c.adam as object)).toEqual(['beta1', 'eps']);
  }
}

/** A finished run with a loss that depends on the config, and a latency that pulls the other way. */
function scoredRuns(configs: readonly Config[]): RunRecord[] {
  return configs.map((config, i) => {
    const h = parseInt(canonicalJson(config).length.toString(), 10) + i;
    const loss = ((h * 7919) % 101) / 101;
    return { id: `r${i}`, state: 'finished', config, history: [{ _step: 0, loss, latency: 1 - loss + ((h * 31) % 7) / 70 }] };
  });
}

/** Runs in every state, so pending/running/failed ones are also taken. */
function mixedRuns(configs: readonly Config[]): RunRecord[] {
  return scoredRuns(configs).map((r, i) => ({ ...r, state: RUN_STATES[i % RUN_STATES.length]! }));
}

function drive(config: SweepConfig, limit: number, count = 1): { configs: Config[]; last: ReturnType<typeof nextRuns> } {
  const configs: Config[] = [];
  let last = nextRuns(config, [], { count, seed: 3 });
  while (configs.length < limit) {
    last = nextRuns(config, mixedRuns(configs), { count, seed: 3 });
    if (last.kind !== 'proposals') break;
    for (const p of last.proposals) expect(p.reason.length).toBeGreaterThan(0);
    configs.push(...last.proposals.map((p) => p.config));
  }
  return { configs, last };
}

describe.each(METHODS)('conditional parameters: %s', (method) => {
  it('uses up the 18 valid configs exactly (the sum over branches), inactive parameters absent, then says exhausted', () => {
    const config = sweep(method, branchy);
    const { configs, last } = drive(config, 40, 2);
    expect(configs).toHaveLength(18);
    expect(new Set(configs.map((c) => canonicalJson(c))).size).toBe(18);
    for (const c of configs) expect(Object.keys(c)).toEqual(BRANCHY_KEYS[c.optimizer as string]);
    expect(last.kind).toBe('exhausted');
    expect(gridSize(config)).toBe(18n);
  });

  it('a run that still carries an inactive value takes the point it stands for', () => {
    const config = sweep(method, branchy);
    const runs = mixedRuns([{ optimizer: 'adam', lr: 0.1, beta2: 0.99, momentum: 0.9, nesterov: true }]);
    const proposals = nextRuns(config, runs, { count: 17, seed: 1 }).proposals;
    expect(proposals).toHaveLength(17);
    expect(proposals.map((p) => canonicalJson(p.config))).not.toContain(canonicalJson({ optimizer: 'adam', lr: 0.1, beta2: 0.99 }));
  });

  it.runIf(method !== 'grid')('continuous branches: only active parameters, within bounds, distinct, with and without history', () => {
    const config = sweep(method, continuous);
    const history = scoredRuns(nextRuns(sweep('random', continuous), [], { count: 12, seed: 5 }).proposals.map((p) => p.config));
    for (const runs of [[], history]) {
      const proposals = nextRuns(config, runs, { count: 6, seed: 8 }).proposals;
      expect(proposals).toHaveLength(6);
      const seen = new Set([...runs.map((r) => canonicalJson(r.config)), ...proposals.map((p) => canonicalJson(p.config))]);
      expect(seen.size).toBe(runs.length + 6);
      for (const p of proposals) expectContinuousActive(p.config);
    }
    const both = new Set(drive(config, 30).configs.map((c) => c.optimizer));
    expect(both).toEqual(new Set(['sgd', 'adam']));
  });
});

describe.each(METHODS)('several objectives: %s', (method) => {
  const multi = (space: ParameterSpace): SweepConfig => {
    const metrics = [
      { name: 'loss', goal: 'minimize' as const, summary: 'best' as const },
      { name: 'latency', goal: 'minimize' as const, summary: 'best' as const },
    ];
    return { ...sweep(method, space), metric: metrics[0]!, metrics };
  };

  it('proposes distinct configs with reasons, deterministic under a seed, and uses up a finite space', () => {
    const config = multi(branchy);
    const { configs, last } = drive(config, 40);
    expect(new Set(configs.map((c) => canonicalJson(c))).size).toBe(18);
    expect(last.kind).toBe('exhausted');
    const runs = scoredRuns(configs.slice(0, 9));
    expect(nextRuns(config, runs, { count: 3, seed: 11 })).toEqual(nextRuns(structuredClone(config), structuredClone(runs), { count: 3, seed: 11 }));
  });

  it.runIf(method === 'bayes')('bayes models a ParEGO scalarisation once enough runs are scored, and says so with its weights', () => {
    const config = multi(continuous);
    const runs = scoredRuns(nextRuns(sweep('random', continuous), [], { count: 12, seed: 5 }).proposals.map((p) => p.config));
    const proposals = nextRuns(config, runs, { count: 2, seed: 4 }).proposals;
    expect(proposals).toHaveLength(2);
    expect(proposals[0]!.reason).toMatch(/^bayes: ParEGO weights loss 0\.\d\d, latency 0\.\d\d, EI \S+ after 12 runs$/);
    expect(proposals[1]!.reason).toContain('batch 2/2');
    for (const p of proposals) expectContinuousActive(p.config);
    // another call with one more run draws other weights
    const next = nextRuns(config, [...runs, ...scoredRuns([proposals[0]!.config]).map((r) => ({ ...r, id: 'extra' }))], { count: 1, seed: 4 });
    expect(next.proposals[0]!.reason.split(', EI')[0]).not.toBe(proposals[0]!.reason.split(', EI')[0]);
  });
});
