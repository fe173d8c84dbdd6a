import { describe, expect, it } from 'vitest';
import type { Config, ParameterSpace } from '../../../src/config/types.js';
import { canonicalJson } from '../../../src/space/config-hash.js';
import { createRng } from '../../../src/space/rng.js';
import { sampleConfig } from '../../../src/space/sample-config.js';
import { unitCube } from '../../../src/space/unit-cube.js';

/** Every distribution, nested included. */
const space: ParameterSpace = {
  opt: { distribution: 'categorical', values: ['adam', 'sgd', 3, true] },
  layers: { distribution: 'int_uniform', min: -2, max: 5 },
  dropout: { distribution: 'uniform', min: 0, max: 0.5 },
  warmup: { distribution: 'q_uniform', min: 0.1, max: 1, q: 0.25 },
  lrExp: { distribution: 'log_uniform', min: -9, max: -2 },
  lr: { distribution: 'log_uniform_values', min: 1e-5, max: 0.1 },
  batch: { distribution: 'q_log_uniform', min: Math.log(16), max: Math.log(512), q: 8 },
  width: { distribution: 'q_log_uniform_values', min: 16, max: 1000, q: 16 },
  inv: { distribution: 'inv_log_uniform', min: 1, max: 5 },
  invValues: { distribution: 'inv_log_uniform_values', min: 0.01, max: 0.5 },
  noise: { distribution: 'normal', mu: 1, sigma: 2 },
  qnoise: { distribution: 'q_normal', mu: 0, sigma: 10, q: 2 },
  scale: { distribution: 'log_normal', mu: 0, sigma: 1 },
  qscale: { distribution: 'q_log_normal', mu: 3, sigma: 1, q: 5 },
  momentum: { distribution: 'beta', a: 2, b: 5 },
  qmomentum: { distribution: 'q_beta', a: 2, b: 2, q: 0.1 },
  fixed: { distribution: 'constant', value: 'x' },
  sched: {
    distribution: 'nested',
    parameters: {
      kind: { distribution: 'constant', value: 'cosine' },
      steps: { distribution: 'int_uniform', min: 100, max: 200 },
      inner: { distribution: 'nested', parameters: { gamma: { distribution: 'uniform', min: 0.9, max: 0.99 } } },
    },
  },
};

const isMultiple = (v: number, q: number): boolean => Math.abs(v / q - Math.round(v / q)) < 1e-9;

function expectValid(c: Config): void {
  expect(Object.keys(c)).toEqual(Object.keys(space));
  expect(['adam', 'sgd', 3, true]).toContain(c.opt);
  expect(Number.isInteger(c.layers)).toBe(true);
  expect(c.layers).toBeGreaterThanOrEqual(-2);
  expect(c.layers).toBeLessThanOrEqual(5);
  expect(c.dropout).toBeGreaterThanOrEqual(0);
  expect(c.dropout).toBeLessThanOrEqual(0.5);
  expect(isMultiple(c.warmup as number, 0.25)).toBe(true);
  expect(c.warmup).toBeGreaterThanOrEqual(0.25);
  expect(c.warmup).toBeLessThanOrEqual(1);
  expect(c.lrExp).toBeGreaterThanOrEqual(Math.exp(-9));
  expect(c.lrExp).toBeLessThanOrEqual(Math.exp(-2));
  expect(c.lr).toBeGreaterThanOrEqual(1e-5);
  expect(c.lr).toBeLessThanOrEqual(0.1);
  expect(isMultiple(c.batch as number, 8) && Number.isInteger(c.batch)).toBe(true);
  expect(c.batch).toBeGreaterThanOrEqual(16);
  expect(c.batch).toBeLessThanOrEqual(512);
  expect(isMultiple(c.width as number, 16) && Number.isInteger(c.width)).toBe(true);
  expect(c.width).toBeGreaterThanOrEqual(16);
  expect(c.width).toBeLessThanOrEqual(1000);
  expect(c.inv).toBeGreaterThanOrEqual(Math.exp(-5));
  expect(c.inv).toBeLessThanOrEqual(Math.exp(-1));
  expect(c.invValues).toBeGreaterThanOrEqual(0.01);
  expect(c.invValues).toBeLessThanOrEqual(0.5);
  expect(Number.isFinite(c.noise)).toBe(true);
  expect(isMultiple(c.qnoise as number, 2)).toBe(true);
  expect(c.scale).toBeGreaterThan(0);
  expect(isMultiple(c.qscale as number, 5)).toBe(true);
  expect(c.momentum).toBeGreaterThanOrEqual(0);
  expect(c.momentum).toBeLessThanOrEqual(1);
  expect(isMultiple(c.qmomentum as number, 0.1)).toBe(true);
  expect(c.fixed).toBe('x');
  const sched = c.sched as Record<string, unknown>;
  expect(Object.keys(sched)).toEqual(['kind', 'steps', 'inner']);
  expect(sched.kind).toBe('cosine');
  expect(Number.isInteger(sched.steps)).toBe(true);
  const gamma = (sched.inner as Record<string, number>).gamma!;
  expect(gamma).toBeGreaterThanOrEqual(0.9);
  expect(gamma).toBeLessThanOrEqual(0.99);
}

describe('unitCube', () => {
  const cube = unitCube(space);

  it('has one coordinate per searched parameter, one per categorical value, none for constants', () => {
    // 15 numeric at top level + 4 categorical values + 2 nested numeric
    expect(cube.dims).toBe(15 + 4 + 2);
    expect(cube.slots.map((s) => s.path.join('.'))).toContain('sched.inner.gamma');
  });

  it('decodes any vector, corners included, to a valid config', () => {
    const rng = createRng('unit-cube-test');
    const vectors = [new Float64Array(cube.dims).fill(0), new Float64Array(cube.dims).fill(1), new Float64Array(cube.dims).fill(-3)];
    for (let i = 0; i < 200; i++) vectors.push(Float64Array.from({ length: cube.dims }, () => rng.next()));
    for (const u of vectors) expectValid(cube.decode(u));
  });

  it('encodes into [0,1] and gives back the sampled config (decode ∘ encode = identity)', () => {
    const rng = createRng('unit-cube-roundtrip');
    for (let i = 0; i < 200; i++) {
      const config = sampleConfig(space, rng);
      // a normal draw beyond ±3σ is outside the encoded range by design: skip those
      const z = ((config.noise as number) - 1) / 2;
      const zs = Math.log(config.scale as number);
      if (Math.abs(z) > 3 || Math.abs(zs) > 3 || Math.abs((config.qnoise as number) / 10) > 2.8 || Math.abs(Math.log(Math.max(1e-9, config.qscale as number)) - 3) > 2.5) continue;
      const u = cube.encode(config);
      for (const v of u) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      const back = cube.decode(u);
      expect(Object.keys(back)).toEqual(Object.keys(config));
      for (const key of Object.keys(config)) {
        const a = config[key];
        const b = back[key];
        if (typeof a === 'number' && typeof b === 'number') expect(b).toBeCloseTo(a, 6);
        else expect(canonicalJson(b!)).toBe(canonicalJson(a!));
      }
    }
  });

  it('projects: encode(decode(u)) decodes to the same config (normals up to float error of the CDF)', () => {
    const rng = createRng('unit-cube-projection');
    for (let i = 0; i < 100; i++) {
      const config = cube.decode(Float64Array.from({ length: cube.dims }, () => rng.next()));
      const again = cube.decode(cube.encode(config));
      for (const key of Object.keys(config)) {
        if (key === 'noise' || key === 'scale') expect(again[key] as number).toBeCloseTo(config[key] as number, 9);
        else expect(canonicalJson(again[key]!)).toBe(canonicalJson(config[key]!));
      }
    }
  });

  it('is log-linear for log distributions: the middle of the cube is the geometric mean', () => {
    const c = cube.decode(new Float64Array(cube.dims).fill(0.5));
    expect(c.lr as number).toBeCloseTo(Math.sqrt(1e-5 * 0.1), 10);
    expect(c.lrExp as number).toBeCloseTo(Math.exp(-5.5), 10);
    expect(c.noise as number).toBeCloseTo(1, 5);
  });
});

it('the corners of the cube decode to the bounds exactly, without exp/log rounding', () => {
  const cube = unitCube({
    wd: { distribution: 'log_uniform_values', min: 0.000001, max: 0.01 },
    inv: { distribution: 'inv_log_uniform_values', min: 0.003, max: 0.3 },
  });
  const values = [cube.decode(new Float64Array(cube.dims).fill(0)), cube.decode(new Float64Array(cube.dims).fill(1))];
  expect(values.map((v) => v.wd).sort((a, b) => (a as number) - (b as number))).toEqual([0.000001, 0.01]);
  expect(values.map((v) => v.inv).sort((a, b) => (a as number) - (b as number))).toEqual([0.003, 0.3]);
});
