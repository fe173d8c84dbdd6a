import { expect, test } from 'vitest';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { configOutsideSpace } from '../../src/space/config-in-space.js';

const space = parseSweepConfig(`method: random
parameters:
  lr: {distribution: log_uniform_values, min: 0.0001, max: 0.1}
  wd: {distribution: log_uniform, min: -9.21, max: -2.3}
  layers: {min: 1, max: 4}
  model:
    parameters:
      kind: {values: [cnn, mlp]}
      width: {values: [64, 128], when: {model.kind: [mlp]}}
  seed: {value: 7}
`, { file: 'x.yaml' }).parameters;

const ok = { lr: 0.01, wd: 0.001, layers: 2, model: { kind: 'mlp', width: 64 }, seed: 7 };

test('a config inside the space passes; each way out names the parameter and the rule', () => {
  expect(configOutsideSpace(space, ok)).toBeUndefined();
  expect(configOutsideSpace(space, { ...ok, model: { kind: 'cnn' } })).toBeUndefined();
  expect(configOutsideSpace(space, { ...ok, lr: 0.5 })).toBe('parameter lr: 0.5 must be from 0.0001 to 0.1');
  expect(configOutsideSpace(space, { ...ok, wd: 0.5 })).toMatch(/^parameter wd: 0.5 must be from e\^-9.21 to e\^-2.3$/);
  expect(configOutsideSpace(space, { ...ok, layers: 2.5 })).toBe('parameter layers: 2.5 must be an integer from 1 to 4');
  expect(configOutsideSpace(space, { ...ok, model: { kind: 'rnn', width: 64 } })).toBe('parameter model.kind: "rnn" must be one of ["cnn","mlp"]');
  expect(configOutsideSpace(space, { ...ok, model: { kind: 'cnn', width: 64 } })).toBe('parameter model.width is inactive in this config (its when: is not met)');
  expect(configOutsideSpace(space, { ...ok, model: { kind: 'mlp' } })).toBe('parameter model.width is missing');
  expect(configOutsideSpace(space, { ...ok, momentum: 0.9 })).toBe("parameter momentum is not in the sweep's space");
  expect(configOutsideSpace(space, { ...ok, seed: 8 })).toBe('parameter seed: 8 must be 7');
  expect(configOutsideSpace(space, { ...ok, lr: '0.01' })).toBe('parameter lr: "0.01" must be a finite number');
});
