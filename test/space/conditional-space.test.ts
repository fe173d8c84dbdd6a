import { describe, expect, it } from 'vitest';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import type { Config, ParamValue, ParameterSpace } from '../../src/config/types.js';
import { canonicalJson, runIdFor } from '../../src/space/config-hash.js';
import { conditionalGridPoints, conditionalGridSize } from '../../src/space/conditional-grid.js';
import { activityIn, hasConditions, pruneInactive } from '../../src/space/conditional-space.js';
import { configFromLeaves, flattenSpace } from '../../src/space/flatten-space.js';
import { gridValues } from '../../src/space/grid-values.js';

const space = (yaml: string): ParameterSpace => parseSweepConfig(`method: grid\nparameters:\n${yaml}`).parameters;
const axis = (leaf: { spec: Parameters<typeof gridValues>[0] }): ParamValue[] => gridValues(leaf.spec)!;

const OPTIMIZERS = space(`
  optimizer: {values: [sgd, adam, rmsprop]}
  lr: {values: [0.1, 0.01]}
  momentum: {values: [0.0, 0.9], when: {optimizer: [sgd, rmsprop]}}
  nesterov: {values: [true, false], when: {optimizer: sgd}}
  beta2: {values: [0.99, 0.999, 0.9999], when: {optimizer: adam}}
`);

/** A model choice with a nested block that exists only for cnn, holding a chain (pool only for kernel 5). */
const MODEL_BLOCK = `
  model: {values: [cnn, mlp]}
  cnn:
    when: {model: cnn}
    parameters:
      kernel: {values: [3, 5]}
      pool: {values: [max, avg], when: {cnn.kernel: 5}}
`;

/** The definition: every point of the full product, inactive keys removed, duplicates merged. */
function bruteForce(s: ParameterSpace): Set<string> {
  const leaves = flattenSpace(s);
  const axes = leaves.map((l) => axis(l));
  const out = new Set<string>();
  const values = new Array<ParamValue>(leaves.length);
  const walk = (i: number): void => {
    if (i === leaves.length) {
      out.add(canonicalJson(pruneInactive(s, configFromLeaves(s, values))));
      return;
    }
    for (const v of axes[i]!) {
      values[i] = v;
      walk(i + 1);
    }
  };
  walk(0);
  return out;
}

describe('conditional space', () => {
  it('prunes inactive parameters, following chains and nested blocks', () => {
    const s = space(`${MODEL_BLOCK}  depth: {values: [2, 4]}
  width: {values: [8], when: {depth: 4, model: mlp}}
`);
    expect(hasConditions(s)).toBe(true);
    const full: Config = { model: 'mlp', cnn: { kernel: 5, pool: 'max' }, depth: 4, width: 8 };
    expect(pruneInactive(s, full)).toEqual({ model: 'mlp', depth: 4, width: 8 });
    expect(pruneInactive(s, { ...full, model: 'cnn' })).toEqual({ model: 'cnn', cnn: { kernel: 5, pool: 'max' }, depth: 4 });
    expect(pruneInactive(s, { ...full, model: 'cnn', cnn: { kernel: 3, pool: 'max' } })).toEqual({ model: 'cnn', cnn: { kernel: 3 }, depth: 4 });
    const active = activityIn(s, { model: 'cnn', cnn: { kernel: 5 }, depth: 2 });
    expect([active(['cnn', 'pool']), active(['width']), active(['model'])]).toEqual([true, false, true]);
  });

  it('a condition on an inactive parameter is false, whatever value the config still carries', () => {
    const s = space(`
  a: {values: [x, y]}
  b: {values: [1, 2], when: {a: x}}
  c: {values: [1], when: {b: 2}}
`);
    expect(pruneInactive(s, { a: 'y', b: 2, c: 1 })).toEqual({ a: 'y' });
    expect(pruneInactive(s, { a: 'x', b: 2, c: 1 })).toEqual({ a: 'x', b: 2, c: 1 });
  });

  it('the run id ignores inactive parameters (a pruned config is the id)', () => {
    const a = pruneInactive(OPTIMIZERS, { optimizer: 'adam', lr: 0.1, momentum: 0.9, nesterov: true, beta2: 0.99 });
    const b = pruneInactive(OPTIMIZERS, { optimizer: 'adam', lr: 0.1, momentum: 0, nesterov: false, beta2: 0.99 });
    expect(runIdFor('s', a)).toBe(runIdFor('s', b));
    expect(a).not.toHaveProperty('momentum');
  });

  it('a space without when is returned as is', () => {
    const s = space('  x: {values: [1, 2]}\n');
    const c = { x: 1 };
    expect(hasConditions(s)).toBe(false);
    expect(pruneInactive(s, c)).toBe(c);
  });
});

describe('conditional grid', () => {
  it('is exactly the sum over branches: sgd 2·2·2 + adam 2·3 + rmsprop 2·2 = 18', () => {
    expect(conditionalGridSize(OPTIMIZERS, axis)).toBe(18n);
    const points = [...conditionalGridPoints(OPTIMIZERS, axis)];
    expect(points).toHaveLength(18);
    expect(new Set(points.map((p) => canonicalJson(p))).size).toBe(18);
    expect(new Set(points.map((p) => canonicalJson(p)))).toEqual(bruteForce(OPTIMIZERS));
    for (const p of points) {
      expect(Object.hasOwn(p, 'beta2')).toBe(p['optimizer'] === 'adam');
      expect(Object.hasOwn(p, 'nesterov')).toBe(p['optimizer'] === 'sgd');
    }
    // file order, last parameter fastest
    expect(points.slice(0, 3)).toEqual([
      { optimizer: 'sgd', lr: 0.1, momentum: 0, nesterov: true },
      { optimizer: 'sgd', lr: 0.1, momentum: 0, nesterov: false },
      { optimizer: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true },
    ]);
  });

  it('matches the brute-force definition on nested blocks, chains, int_uniform conditions and conditions naming later parameters', () => {
    const cases = [
      space(`${MODEL_BLOCK}  depth: {min: 1, max: 3}
  width: {values: [8, 16], when: {depth: [2, 3], model: mlp}}
`),
      space(`
  late: {values: [1, 2, 3], when: {switch: on}}
  other: {values: [a, b], when: {switch: off}}
  switch: {values: [on, off]}
  fixed: {value: 7, when: {late: 3}}
`),
    ];
    for (const s of cases) {
      const points = [...conditionalGridPoints(s, axis)].map((p) => canonicalJson(p));
      expect(new Set(points).size).toBe(points.length);
      expect(new Set(points)).toEqual(bruteForce(s));
      expect(conditionalGridSize(s, axis)).toBe(BigInt(points.length));
    }
  });

  it('counts without enumerating: 2 branches of 10^12 points each', () => {
    const wide = Array.from({ length: 6 }, (_, i) => `  p${i}: {min: 1, max: 100, when: {b: x}}\n  q${i}: {min: 1, max: 100, when: {b: y}}`).join('\n');
    expect(conditionalGridSize(space(`  b: {values: [x, y]}\n${wide}\n`), axis)).toBe(2n * 10n ** 12n);
  });
});
