/** `hypersweep: {gpus_per_run}`: whole numbers and unit fractions; anything else names file:line:col and the allowed forms. */
import { expect, test } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';

const sweep = (value: string) => `method: random\nparameters:\n  lr: {min: 0.001, max: 0.1}\nhypersweep:\n  gpus_per_run: ${value}\n`;

test.each([
  ['1', 1],
  ['2', 2],
  ['8', 8],
  ['0.5', 0.5],
  ['0.25', 0.25],
  ['0.2', 0.2],
  ['0.125', 0.125],
  ['0.333', 1 / 3],
])('gpus_per_run %s is accepted as %s', (text, value) => {
  expect(parseSweepConfig(sweep(text), { file: 'g.yaml' }).execution.gpus_per_run).toBe(value);
});

test('unset: the execution block has no gpus_per_run (one run per GPU, CPU slot without GPU)', () => {
  expect(parseSweepConfig('method: random\nparameters:\n  lr: {min: 0.001, max: 0.1}\n', { file: 'g.yaml' }).execution.gpus_per_run).toBeUndefined();
});

test.each(['0', '-2', '1.5', '0.3', '0.4', '3e-3', '2048', '"2"', 'true', '[2]', '.nan'])('gpus_per_run %s is an error at g.yaml:5:17 listing the allowed forms', (text) => {
  let err: unknown;
  try {
    parseSweepConfig(sweep(text), { file: 'g.yaml' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  const issues = (err as ConfigError).issues;
  expect(issues).toHaveLength(1);
  expect(issues[0]).toMatchObject({ path: 'hypersweep.gpus_per_run', line: 5, column: 17 });
  expect((err as ConfigError).message).toMatch(/^g\.yaml:5:17 hypersweep\.gpus_per_run: gpus_per_run must be a whole number of GPUs per run \(1, 2, 4, 8, … up to 1024\) or one GPU shared by k runs, 1\/k written as a decimal \(0\.5, 0\.25, 0\.2, 0\.125, … down to 1\/64\), but got /);
});
