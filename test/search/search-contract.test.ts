/**
 * The contract every search method keeps (search-method.ts). A new method is added by one line
 * in `methods`; each runs through nextRuns, so whatever is wired for its `method:` is tested.
 */
import { describe, expect, it } from 'vitest';
import type { Config, ParamValue, ParameterSpace, SweepConfig } from '../../src/config/types.js';
import type { RunRecord } from '../../src/run-record.js';
import { nextRuns } from '../../src/search/next-runs.js';
import { nothingNew } from '../../src/search/nothing-new.js';
import { BAYES_FREE_POINT_REASON } from '../../src/search/bayes/bayes-search.js';
import { canonicalJson } from '../../src/space/config-hash.js';
import { continuousSpace, discreteSize, discreteSpace, runsOf, sweep } from './sweep-fixtures.js';

interface MethodCase {
  method: SweepConfig['method'];
  /** Searches continuous distributions (grid does not). */
  continuous: boolean;
  /** Uses up a finite space exactly, then says `exhausted`. */
  exhaustsFiniteSpace: boolean;
}

const methods: MethodCase[] = [
  { method: 'grid', continuous: false, exhaustsFiniteSpace: true },
  { method: 'random', continuous: true, exhaustsFiniteSpace: true },
  { method: 'bayes', continuous: true, exhaustsFiniteSpace: true },
];

const isMultiple = (v: number, q: number): boolean => Math.abs(v / q - Math.round(v / q)) < 1e-9;
const obj = (v: ParamValue | undefined): Record<string, ParamValue> => {
  expect(v).toBeTypeOf('object');
  expect(Array.isArray(v)).toBe(false);
  return v as Record<string, ParamValue>;
};

function expectDiscreteConfig(config: Config): void {
  expect(Object.keys(config)).toEqual(['optimizer', 'layers', 'schedule']);
  expect(['adam', 'sgd', 'lion']).toContain(config.optimizer);
  expect(Number.isInteger(config.layers)).toBe(true);
  expect(config.layers).toBeGreaterThanOrEqual(1);
  expect(config.layers).toBeLessThanOrEqual(4);
  const schedule = obj(config.schedule);
  expect(Object.keys(schedule)).toEqual(['warmup', 'kind']);
  expect(schedule.kind).toBe('cosine');
  const warmup = schedule.warmup as number;
  expect(isMultiple(warmup, 0.25)).toBe(true);
  expect(warmup).toBeGreaterThanOrEqual(0);
  expect(warmup).toBeLessThanOrEqual(1);
}

function expectContinuousConfig(config: Config): void {
  const lr = config.lr as number;
  expect(lr).toBeGreaterThanOrEqual(1e-5);
  expect(lr).toBeLessThanOrEqual(1e-1);
  expect(config.dropout).toBeGreaterThanOrEqual(0);
  expect(config.dropout).toBeLessThanOrEqual(0.5);
  const batch = config.batch as number;
  expect(Number.isInteger(batch)).toBe(true);
  expect(batch % 16).toBe(0);
  expect(batch).toBeGreaterThanOrEqual(16);
  expect(batch).toBeLessThanOrEqual(512);
  expect(config.momentum).toBeGreaterThanOrEqual(0);
  expect(config.momentum).toBeLessThanOrEqual(1);
  expect(['relu', 'gelu']).toContain(config.act);
  const net = obj(config.net);
  expect(Number.isInteger(net.width)).toBe(true);
  expect(net.width).toBeGreaterThanOrEqual(32);
  expect(net.width).toBeLessThanOrEqual(256);
  const scale = net.scale as number;
  expect(isMultiple(scale, 0.1)).toBe(true);
  expect(scale).toBeGreaterThanOrEqual(0.1 - 1e-12);
  expect(scale).toBeLessThanOrEqual(2 + 1e-12);
}

/** Proposes one at a time, each becoming a run, until the method returns [] or `limit` is reached. */
function drive(config: SweepConfig, limit: number, seed = 7): Config[] {
  const configs: Config[] = [];
  for (let i = 0; i < limit; i++) {
    const proposals = nextRuns(config, runsOf(configs), { count: 1, seed }).proposals;
    if (proposals.length === 0) break;
    expect(proposals).toHaveLength(1);
    configs.push(proposals[0]!.config);
  }
  return configs;
}

const keys = (configs: readonly Config[]): string[] => configs.map((c) => canonicalJson(c));

describe.each(methods)('search contract: $method', (m) => {
  const discrete = sweep(m.method, discreteSpace);

  it('proposes discrete values of the right type, within bounds, nested as objects', () => {
    const proposals = nextRuns(discrete, runsOf([]), { count: 8, seed: 1 }).proposals;
    expect(proposals).toHaveLength(8);
    for (const p of proposals) {
      expectDiscreteConfig(p.config);
      expect(p.reason.length).toBeGreaterThan(0);
    }
  });

  it.runIf(m.continuous)('proposes continuous values within bounds, of the right type', () => {
    const config = sweep(m.method, continuousSpace);
    const history = runsOf(nextRuns(sweep('random', continuousSpace), [], { count: 6, seed: 3 }).proposals.map((p) => p.config));
    for (const runs of [[], history]) {
      const proposals = nextRuns(config, runs, { count: 10, seed: 2 }).proposals;
      expect(proposals).toHaveLength(10);
      for (const p of proposals) expectContinuousConfig(p.config);
    }
  });

  it('is deterministic under a seed', () => {
    const space: ParameterSpace = m.continuous ? continuousSpace : discreteSpace;
    const config = sweep(m.method, space);
    const runs = runsOf(nextRuns(sweep(m.continuous ? 'random' : 'grid', space), [], { count: 5, seed: 9 }).proposals.map((p) => p.config));
    const a = nextRuns(config, runs, { count: 4, seed: 42 }).proposals;
    const b = nextRuns(structuredClone(config), structuredClone(runs), { count: 4, seed: 42 }).proposals;
    expect(b).toEqual(a);
  });

  it('returns distinct proposals for count > 1, none equal to an existing run (any state)', () => {
    const existing = drive(sweep('grid', discreteSpace), 21); // 21 runs: 3 in each of the 7 states
    const proposals = nextRuns(discrete, runsOf(existing), { count: 12, seed: 5 }).proposals;
    expect(proposals).toHaveLength(12);
    const proposed = keys(proposals.map((p) => p.config));
    expect(new Set(proposed).size).toBe(12);
    const taken = new Set(keys(existing));
    for (const k of proposed) expect(taken.has(k)).toBe(false);
  });

  it.runIf(m.exhaustsFiniteSpace)('uses up a finite space exactly once, then returns []', () => {
    const all = drive(discrete, discreteSize + 5);
    expect(all).toHaveLength(discreteSize);
    expect(new Set(keys(all)).size).toBe(discreteSize);
    for (const c of all) expectDiscreteConfig(c);
    expect(nextRuns(discrete, runsOf(all), { count: 3, seed: 7 }).proposals).toEqual([]);
  });

  it.runIf(m.exhaustsFiniteSpace)('returns only what is left when count exceeds it', () => {
    const first = nextRuns(discrete, [], { count: discreteSize - 2, seed: 11 }).proposals;
    const rest = nextRuns(discrete, runsOf(first.map((p) => p.config)), { count: 10, seed: 11 }).proposals;
    expect(rest).toHaveLength(2);
    expect(new Set(keys([...first, ...rest].map((p) => p.config))).size).toBe(discreteSize);
  });

  it('counts a run with an equal config in another spelling (3e6 == 3000000, key order) as taken', () => {
    const space: ParameterSpace = {
      steps: { distribution: 'categorical', values: [3e6, 1000] },
      opt: { distribution: 'nested', parameters: { a: { distribution: 'constant', value: 1 }, b: { distribution: 'constant', value: 2 } } },
    };
    const runs = runsOf([{ opt: { b: 2, a: 1 }, steps: 3000000 }]);
    for (let seed = 0; seed < 5; seed++) {
      const proposals = nextRuns(sweep(m.method, space), runs, { count: 1, seed }).proposals;
      if (m.exhaustsFiniteSpace) expect(proposals).toEqual([{ config: { steps: 1000, opt: { a: 1, b: 2 } }, reason: expect.any(String) }]);
      for (const p of proposals) expect(p.config.steps).not.toBe(3000000);
    }
  });
});

describe.each(methods)('search outcomes: $method', (m) => {
  const discrete = sweep(m.method, discreteSpace);

  it('says proposals while points are left, exhausted once the finite space is used up', () => {
    const configs: Config[] = [];
    for (let i = 0; i < discreteSize; i++) {
      const outcome = nextRuns(discrete, runsOf(configs), { count: 1, seed: 3 });
      expect(outcome.kind).toBe('proposals');
      configs.push(outcome.proposals[0]!.config);
    }
    const done = nextRuns(discrete, runsOf(configs), { count: 2, seed: 3 });
    expect(done).toEqual({ kind: 'exhausted', proposals: [], reason: expect.stringMatching(new RegExp(`^${m.method}: all ${discreteSize} (points|configs)`)) });
  });

  it('says exhausted for a large finite space (beyond any candidate budget) only when every point is taken', () => {
    const space: ParameterSpace = { x: { distribution: 'int_uniform', min: 1, max: 5000 } };
    const all = Array.from({ length: 5000 }, (_, i) => ({ x: i + 1 }));
    const pending = (configs: Config[]): RunRecord[] => configs.map((config, i) => ({ id: `r${i}`, state: 'pending', config, history: [] }));
    expect(nextRuns(sweep(m.method, space), pending(all), { count: 1, seed: 1 }).kind).toBe('exhausted');
    const outcome = nextRuns(sweep(m.method, space), pending(all.filter((c) => c.x !== 1234)), { count: 1, seed: 1 });
    expect(outcome.kind).not.toBe('exhausted');
    for (const p of outcome.proposals) expect(p.config).toEqual({ x: 1234 });
  });

  it.runIf(m.continuous)('never says exhausted for a continuous space', () => {
    const config = sweep(m.method, { x: { distribution: 'uniform', min: 0, max: 1 } });
    const runs = runsOf(nextRuns(sweep('random', config.parameters), [], { count: 20, seed: 4 }).proposals.map((p) => p.config));
    expect(nextRuns(config, runs, { count: 3, seed: 4 }).kind).toBe('proposals');
  });
});

describe('wait, not exhausted, when a method finds nothing new in a space that is not used up', () => {
  // bayes never says `wait` while a finite, listable space has a free config: search is pure, so the
  // same runs would give the same miss at every tick and a sweep with nothing running would never end.
  it('bayes above its candidate budget: 624 of 625 grid points scored, the free one not among its candidates, is still proposed', () => {
    const space: ParameterSpace = { x: { distribution: 'int_uniform', min: 1, max: 25 }, y: { distribution: 'int_uniform', min: 1, max: 25 } };
    const runs: RunRecord[] = [];
    for (let x = 1; x <= 25; x++) {
      for (let y = 1; y <= 25; y++) {
        if (x !== 7 || y !== 19) runs.push({ id: `r${x}-${y}`, state: 'finished', config: { x, y }, history: [{ _step: 0, loss: (x - 10) ** 2 + (y - 3) ** 2 }] });
      }
    }
    const outcome = nextRuns(sweep('bayes', space), runs, { count: 1, seed: 0 });
    expect(outcome).toEqual({ kind: 'proposals', proposals: [{ config: { x: 7, y: 19 }, reason: BAYES_FREE_POINT_REASON }] });
    const full = [...runs, { id: 'last', state: 'finished' as const, config: { x: 7, y: 19 }, history: [{ _step: 0, loss: 265 }] }];
    expect(nextRuns(sweep('bayes', space), full, { count: 1, seed: 0 }).kind).toBe('exhausted');
  });

  it('bayes initial design: its quasi-random tries miss the one free point of a 5000-point line, which is proposed all the same', () => {
    const space: ParameterSpace = { x: { distribution: 'int_uniform', min: 1, max: 5000 } };
    const runs: RunRecord[] = Array.from({ length: 5000 }, (_, i) => ({ id: `r${i}`, state: 'pending' as const, config: { x: i + 1 }, history: [] })).filter((r) => r.config.x !== 1234);
    expect(nextRuns(sweep('bayes', space), runs, { count: 1, seed: 2 }).proposals).toEqual([{ config: { x: 1234 }, reason: BAYES_FREE_POINT_REASON }]);
    // random lists the free points of a finite space when its draws fail, so it finds it
    expect(nextRuns(sweep('random', space), runs, { count: 1, seed: 2 }).proposals).toEqual([{ config: { x: 1234 }, reason: 'random' }]);
  });

  it('nothingNew: infinite, too large to list, partly taken, or taken by off-space values means wait', () => {
    const taken = (configs: Config[]): RunRecord[] => configs.map((config, i) => ({ id: `r${i}`, state: 'finished', config, history: [] }));
    expect(nothingNew({ x: { distribution: 'uniform', min: 0, max: 1 } }, [], 'm').kind).toBe('wait');
    expect(nothingNew({ x: { distribution: 'int_uniform', min: 0, max: 2_000_000 } }, [], 'm').kind).toBe('wait');
    const small: ParameterSpace = { x: { distribution: 'categorical', values: [1, 2] }, c: { distribution: 'constant', value: 'k' } };
    expect(nothingNew(small, taken([{ x: 1, c: 'k' }]), 'm').kind).toBe('wait');
    expect(nothingNew(small, taken([{ x: 1, c: 'k' }, { x: 3, c: 'k' }]), 'm').kind).toBe('wait');
    expect(nothingNew(small, taken([{ x: 1, c: 'k' }, { x: 2.0, c: 'k', extra: true }]), 'm')).toEqual({ kind: 'exhausted', proposals: [], reason: 'm: all 2 configs of the space are taken' });
  });
});
