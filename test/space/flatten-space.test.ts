import { describe, expect, it } from 'vitest';
import type { Config, ParameterSpace } from '../../src/config/types.js';
import { configFromLeaves, flattenSpace, valueAtPath } from '../../src/space/flatten-space.js';
import { pointKey } from '../../src/space/point-key.js';

const space: ParameterSpace = {
  b: { distribution: 'constant', value: 1 },
  opt: {
    distribution: 'nested',
    parameters: {
      lr: { distribution: 'uniform', min: 0, max: 1 },
      inner: { distribution: 'nested', parameters: { z: { distribution: 'categorical', values: [1, 2] } } },
      empty: { distribution: 'nested', parameters: {} },
    },
  },
  a: { distribution: 'int_uniform', min: 0, max: 1 },
};

describe('flattenSpace and configFromLeaves', () => {
  it('lists leaves in file order, depth-first', () => {
    expect(flattenSpace(space).map((l) => l.path.join('.'))).toEqual(['b', 'opt.lr', 'opt.inner.z', 'a']);
  });

  it('rebuilds the nested config from leaf values, empty nested as {}', () => {
    expect(configFromLeaves(space, [1, 0.5, 2, 0])).toEqual({ b: 1, opt: { lr: 0.5, inner: { z: 2 }, empty: {} }, a: 0 });
  });

  it('reads a value by path, undefined when absent', () => {
    const config = configFromLeaves(space, [1, 0.5, 2, 0]);
    expect(valueAtPath(config, ['opt', 'inner', 'z'])).toBe(2);
    expect(valueAtPath(config, ['opt', 'nope'])).toBeUndefined();
    expect(valueAtPath(config, ['b', 'x'])).toBeUndefined();
  });
});

describe('pointKey', () => {
  const leaves = flattenSpace(space);
  const config = configFromLeaves(space, [1, 0.5, 2, 0]);

  it('ignores key order, number spelling and keys outside the space', () => {
    const respelled = { a: 0, extra: 'x', opt: { inner: { z: 2.0 }, lr: 5e-1 }, b: 1 };
    expect(pointKey(respelled, leaves)).toBe(pointKey(config, leaves));
  });

  it('tells apart a different value, a missing value and a null', () => {
    const base = pointKey(config, leaves);
    expect(pointKey({ ...config, a: 1 }, leaves)).not.toBe(base);
    const { a: _a, ...withoutA } = config;
    expect(pointKey(withoutA, leaves)).not.toBe(base);
    expect(pointKey({ ...config, a: null }, leaves)).not.toBe(pointKey(withoutA, leaves));
  });
});

describe('valueAtPath (the one dotted-path lookup: command macros, unit cube, point keys)', () => {
  it('walks own keys of plain objects only: not into arrays, primitives or inherited keys', () => {
    const config: Config = { a: { b: [1, { c: 2 }], n: null }, s: 'str' };
    expect(valueAtPath(config, ['a', 'b'])).toEqual([1, { c: 2 }]);
    expect(valueAtPath(config, ['a', 'b', '1', 'c'])).toBeUndefined();
    expect(valueAtPath(config, ['a', 'n'])).toBeNull();
    expect(valueAtPath(config, ['a', 'n', 'x'])).toBeUndefined();
    expect(valueAtPath(config, ['s', 'length'])).toBeUndefined();
    expect(valueAtPath(config, ['a', 'toString'])).toBeUndefined();
    expect(valueAtPath(config, [])).toEqual(config);
  });
});
