/** sampleConfig: a whole space, as sampleParameter samples a nested parameter (one definition, no file cycle). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import type { ParameterSpace } from '../../src/config/types.js';
import { createRng } from '../../src/space/rng.js';
import { sampleConfig } from '../../src/space/sample-config.js';
import { sampleParameter } from '../../src/space/sample-parameter.js';

const space: ParameterSpace = {
  lr: { distribution: 'log_uniform_values', min: 1e-4, max: 1e-1 },
  opt: { distribution: 'nested', parameters: { name: { distribution: 'categorical', values: ['adam', 'sgd'] }, beta: { distribution: 'uniform', min: 0.8, max: 0.99 } } },
  layers: { distribution: 'int_uniform', min: 1, max: 8 },
};

it('draws in file order, depth-first, exactly as sampleParameter draws the space as a nested parameter', () => {
  const a = createRng(7, 'x');
  const b = createRng(7, 'x');
  for (let i = 0; i < 20; i++) expect(sampleConfig(space, a)).toEqual(sampleParameter({ distribution: 'nested', parameters: space }, b));
  const c = sampleConfig(space, createRng(1, 'y'));
  expect(Object.keys(c)).toEqual(['lr', 'opt', 'layers']);
  expect(Object.keys(c.opt as object)).toEqual(['name', 'beta']);
});

it('sample-parameter.ts does not import sample-config.ts (the file cycle is gone)', () => {
  const text = readFileSync(new URL('../../src/space/sample-parameter.ts', import.meta.url), 'utf8');
  expect(text).not.toMatch(/from '\.\/sample-config\.js'/);
});
