import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigIssue } from '../../src/errors.js';
import { checkSweepConfig, parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import type { ParameterSpec } from '../../src/config/types.js';

/** Parses a one-parameter random sweep and returns that parameter's spec. */
function param(body: string): ParameterSpec {
  const config = parseSweepConfig(`method: random\nparameters:\n  p:\n${body.replace(/^/gm, '    ')}\n`);
  return config.parameters['p']!;
}

describe('distributions: defaults and fields', () => {
  it.each<[string, string, ParameterSpec]>([
    ['constant', 'value: 7', { distribution: 'constant', value: 7 }],
    ['constant (explicit)', 'distribution: constant\nvalue: adam', { distribution: 'constant', value: 'adam' }],
    ['constant list', 'value: [1, 2]', { distribution: 'constant', value: [1, 2] }],
    ['constant null', 'value: null', { distribution: 'constant', value: null }],
    ['categorical', 'values: [a, 1, true]', { distribution: 'categorical', values: ['a', 1, true] }],
    ['categorical with probabilities', 'values: [a, b]\nprobabilities: [0.25, 0.75]', { distribution: 'categorical', values: ['a', 'b'], probabilities: [0.25, 0.75] }],
    ['categorical_w_probabilities (W&B name)', 'distribution: categorical_w_probabilities\nvalues: [a, b]\nprobabilities: [0.5, 0.5]', { distribution: 'categorical', values: ['a', 'b'], probabilities: [0.5, 0.5] }],
    ['int_uniform', 'distribution: int_uniform\nmin: 1\nmax: 10', { distribution: 'int_uniform', min: 1, max: 10 }],
    ['uniform', 'distribution: uniform\nmin: 0\nmax: 1', { distribution: 'uniform', min: 0, max: 1 }],
    ['q_uniform q default 1', 'distribution: q_uniform\nmin: 0\nmax: 10', { distribution: 'q_uniform', min: 0, max: 10, q: 1 }],
    ['q_uniform', 'distribution: q_uniform\nmin: 0\nmax: 1\nq: 0.1', { distribution: 'q_uniform', min: 0, max: 1, q: 0.1 }],
    ['log_uniform (exponents, may be negative)', 'distribution: log_uniform\nmin: -9\nmax: -2', { distribution: 'log_uniform', min: -9, max: -2 }],
    ['log_uniform_values', 'distribution: log_uniform_values\nmin: 1e-5\nmax: 1e-1', { distribution: 'log_uniform_values', min: 1e-5, max: 0.1 }],
    ['q_log_uniform', 'distribution: q_log_uniform\nmin: 0\nmax: 5', { distribution: 'q_log_uniform', min: 0, max: 5, q: 1 }],
    ['q_log_uniform_values', 'distribution: q_log_uniform_values\nmin: 1\nmax: 1024\nq: 2', { distribution: 'q_log_uniform_values', min: 1, max: 1024, q: 2 }],
    ['inv_log_uniform', 'distribution: inv_log_uniform\nmin: 0\nmax: 3', { distribution: 'inv_log_uniform', min: 0, max: 3 }],
    ['inv_log_uniform_values', 'distribution: inv_log_uniform_values\nmin: 0.01\nmax: 1', { distribution: 'inv_log_uniform_values', min: 0.01, max: 1 }],
    ['normal defaults mu 0 sigma 1', 'distribution: normal', { distribution: 'normal', mu: 0, sigma: 1 }],
    ['normal', 'distribution: normal\nmu: -2\nsigma: 0.5', { distribution: 'normal', mu: -2, sigma: 0.5 }],
    ['q_normal defaults', 'distribution: q_normal', { distribution: 'q_normal', mu: 0, sigma: 1, q: 1 }],
    ['log_normal defaults', 'distribution: log_normal', { distribution: 'log_normal', mu: 0, sigma: 1 }],
    ['q_log_normal', 'distribution: q_log_normal\nmu: 1\nsigma: 2\nq: 4', { distribution: 'q_log_normal', mu: 1, sigma: 2, q: 4 }],
    ['beta defaults a 1 b 1', 'distribution: beta', { distribution: 'beta', a: 1, b: 1 }],
    ['beta', 'distribution: beta\na: 2\nb: 5', { distribution: 'beta', a: 2, b: 5 }],
    ['q_beta defaults', 'distribution: q_beta', { distribution: 'q_beta', a: 1, b: 1, q: 1 }],
    ['q_beta', 'distribution: q_beta\na: 0.5\nb: 0.5\nq: 0.1', { distribution: 'q_beta', a: 0.5, b: 0.5, q: 0.1 }],
  ])('%s', (_name, body, expected) => {
    expect(param(body)).toEqual(expected);
  });
});

describe('W&B distribution inference', () => {
  it.each<[string, string, ParameterSpec['distribution']]>([
    ['value -> constant', 'value: 3', 'constant'],
    ['values -> categorical', 'values: [1, 2]', 'categorical'],
    ['two integer bounds -> int_uniform', 'min: 0\nmax: 5', 'int_uniform'],
    ['float min -> uniform', 'min: 0.0\nmax: 5', 'uniform'],
    ['float max -> uniform', 'min: 0\nmax: 5.0', 'uniform'],
    ['exponent notation is a float (YAML 1.2) -> uniform', 'min: 1\nmax: 1e2', 'uniform'],
    ['trailing dot is a float -> uniform', 'min: 1.\nmax: 3', 'uniform'],
    ['hex integers -> int_uniform', 'min: 0x0\nmax: 0x10', 'int_uniform'],
    ['negative integers -> int_uniform', 'min: -5\nmax: -1', 'int_uniform'],
  ])('%s', (_name, body, distribution) => {
    expect(param(body).distribution).toBe(distribution);
  });

  it('keeps the numeric values of inferred bounds', () => {
    expect(param('min: 1\nmax: 1e2')).toEqual({ distribution: 'uniform', min: 1, max: 100 });
    expect(param('min: 0x0\nmax: 0x10')).toEqual({ distribution: 'int_uniform', min: 0, max: 16 });
  });

  it('infers from JSON tokens the same way (1 vs 1.0)', () => {
    const json = '{"method": "random", "parameters": {"a": {"min": 1, "max": 4}, "b": {"min": 1.0, "max": 4}}}';
    const config = parseSweepConfig(json, { file: 'x.json' });
    expect(config.parameters['a']!.distribution).toBe('int_uniform');
    expect(config.parameters['b']!.distribution).toBe('uniform');
  });
});

describe('nested parameters', () => {
  it('nests to any depth, inferring inside', () => {
    const config = parseSweepConfig(`method: grid
parameters:
  optimizer:
    parameters:
      name: {values: [adam, sgd]}
      betas:
        parameters:
          b1: {value: 0.9}
          b2: {min: 1, max: 3}
`);
    expect(config.parameters).toEqual({
      optimizer: {
        distribution: 'nested',
        parameters: {
          name: { distribution: 'categorical', values: ['adam', 'sgd'] },
          betas: {
            distribution: 'nested',
            parameters: {
              b1: { distribution: 'constant', value: 0.9 },
              b2: { distribution: 'int_uniform', min: 1, max: 3 },
            },
          },
        },
      },
    });
  });

  it('keeps the order the file lists parameters in', () => {
    const config = parseSweepConfig('method: random\nparameters:\n  z: {value: 1}\n  a: {value: 2}\n  m: {value: 3}\n');
    expect(Object.keys(config.parameters)).toEqual(['z', 'a', 'm']);
  });
});

describe('top level', () => {
  it('fills defaults: metric goal minimize and summary best, execution defaults, empty extra', () => {
    const config = parseSweepConfig('method: bayes\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n');
    expect(config.metric).toEqual({ name: 'loss', goal: 'minimize', summary: 'best' });
    expect(config.execution).toEqual({ max_attempts: 3, retry_failed: false, stdout_metrics: false });
    expect(config.extra).toEqual({});
    expect(config.early_terminate).toBeUndefined();
    expect(config.run_cap).toBeUndefined();
  });

  it('reads every W&B field and the hypersweep block', () => {
    const config = parseSweepConfig(`name: s
description: d
project: p
entity: e
program: sweeps/train.py
method: random
run_cap: 12
command: ['\${env}', python, '\${program}', --lr, 1e-3, --flag, true, '\${args}']
metric: {name: acc, goal: maximize, target: 0.99, summary: last, impute: best, impute_while_running: latest}
parameters:
  x: {value: 1}
hypersweep: {max_attempts: 5, retry_failed: true, run_timeout_sec: 60.5, stdout_metrics: true, seed: 7, wandb: standin}
`);
    expect(config).toMatchObject({
      name: 's',
      description: 'd',
      project: 'p',
      entity: 'e',
      program: 'sweeps/train.py',
      method: 'random',
      run_cap: 12,
      command: ['${env}', 'python', '${program}', '--lr', '1e-3', '--flag', 'true', '${args}'],
      metric: { name: 'acc', goal: 'maximize', target: 0.99, summary: 'last', impute: 'best', impute_while_running: 'latest' },
      execution: { max_attempts: 5, retry_failed: true, run_timeout_sec: 60.5, stdout_metrics: true, seed: 7, wandb: 'standin' },
    });
  });

  it("keeps W&B's other known keys in extra, as given", () => {
    const config = parseSweepConfig(`apiVersion: v1
kind: sweep
controller: {type: local}
job: entity/project/job:v0
image_uri: ghcr.io/x/y:1
imageUri: ghcr.io/x/y:2
scheduler: {engine: wandb}
method: random
parameters:
  x: {value: 1}
`);
    expect(config.extra).toEqual({
      apiVersion: 'v1',
      kind: 'sweep',
      controller: { type: 'local' },
      job: 'entity/project/job:v0',
      image_uri: 'ghcr.io/x/y:1',
      imageUri: 'ghcr.io/x/y:2',
      scheduler: { engine: 'wandb' },
    });
  });

  it('expands YAML anchors and merge keys', () => {
    const config = parseSweepConfig(`method: random
parameters:
  a: &range {min: 1, max: 4}
  b: *range
  c:
    <<: *range
    max: 9
`);
    expect(config.parameters['b']).toEqual({ distribution: 'int_uniform', min: 1, max: 4 });
    expect(config.parameters['c']).toEqual({ distribution: 'int_uniform', min: 1, max: 9 });
  });

  it('reads a flow-style document that starts with {', () => {
    const config = parseSweepConfig('{method: grid, parameters: {x: {values: [1, 2]}}}');
    expect(config.parameters['x']).toEqual({ distribution: 'categorical', values: [1, 2] });
  });
});

describe('early_terminate', () => {
  const sweep = (et: string) => `method: random\nmetric: {name: loss}\nparameters:\n  x: {value: 1}\nearly_terminate: ${et}\n`;

  it.each([
    ['hyperband min_iter, eta 3 and strict true by default', '{type: hyperband, min_iter: 3}', { type: 'hyperband', min_iter: 3, eta: 3, strict: true }],
    ['hyperband max_iter with s', '{type: hyperband, max_iter: 27, s: 2, eta: 2.5, strict: false}', { type: 'hyperband', max_iter: 27, s: 2, eta: 2.5, strict: false }],
    ['median defaults 5 runs, 3 steps', '{type: median}', { type: 'median', warmup_runs: 5, warmup_steps: 3 }],
    ['median', '{type: median, warmup_runs: 2, warmup_steps: 0}', { type: 'median', warmup_runs: 2, warmup_steps: 0 }],
    ['patience, min_delta 0 by default', '{type: patience, patience: 4}', { type: 'patience', patience: 4, min_delta: 0 }],
    ['patience', '{type: patience, patience: 1, min_delta: 0.01}', { type: 'patience', patience: 1, min_delta: 0.01 }],
  ])('%s', (_name, et, expected) => {
    expect(parseSweepConfig(sweep(et)).early_terminate).toEqual(expected);
  });
});

describe('warnings: deprecated but working forms', () => {
  const warningsOf = (source: string): ConfigIssue[] => {
    const { config, warnings } = checkSweepConfig(source, { file: 'w.yaml' });
    expect(config).toBeDefined();
    return warnings;
  };

  it.each([
    ['log_uniform', 'log_uniform_values'],
    ['inv_log_uniform', 'inv_log_uniform_values'],
    ['q_log_uniform', 'q_log_uniform_values'],
  ])('%s (exponent bounds) warns and points at %s', (dist, replacement) => {
    const warnings = warningsOf(`method: random\nparameters:\n  lr:\n    distribution: ${dist}\n    min: -9.21\n    max: -2.3\n`);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ path: 'parameters.lr.distribution', line: 4, column: 19 });
    expect(warnings[0]!.message).toContain(`use ${replacement}`);
  });

  it('log_uniform shows the values it really samples', () => {
    const [w] = warningsOf('method: random\nparameters:\n  lr: {distribution: log_uniform, min: -9.21, max: -2.3}\n');
    expect(w!.message).toContain('samples 0.0001 ... 0.1003');
  });

  it('hyperband with both min_iter and max_iter: min_iter is ignored, as in W&B', () => {
    const source = 'method: random\nmetric: {name: l}\nparameters:\n  x: {value: 1}\nearly_terminate:\n  type: hyperband\n  min_iter: 3\n  max_iter: 27\n  s: 2\n';
    const { config, warnings } = checkSweepConfig(source);
    expect(config!.early_terminate).toEqual({ type: 'hyperband', max_iter: 27, s: 2, eta: 3, strict: true });
    expect(warnings).toEqual([
      { path: 'early_terminate.min_iter', line: 7, column: 3, message: expect.stringContaining('min_iter is ignored') },
    ]);
  });

  it('hyperband s without max_iter is ignored with a warning', () => {
    const { config, warnings } = checkSweepConfig('method: random\nmetric: {name: l}\nparameters:\n  x: {value: 1}\nearly_terminate: {type: hyperband, min_iter: 2, s: 3}\n');
    expect(config!.early_terminate).toEqual({ type: 'hyperband', min_iter: 2, eta: 3, strict: true });
    expect(warnings.map((w) => w.path)).toEqual(['early_terminate.s']);
  });

  it('yes/no in values: a string here, a boolean in W&B (PyYAML)', () => {
    const warnings = warningsOf('method: grid\nparameters:\n  flag: {values: [yes, "no", true]}\n');
    expect(warnings).toEqual([{ path: 'parameters.flag.values[0]', line: 3, column: 19, message: expect.stringContaining('boolean in W&B') }]);
  });

  it('parseSweepConfig hands warnings to onWarning', () => {
    const seen: ConfigIssue[] = [];
    parseSweepConfig('method: random\nparameters:\n  lr: {distribution: log_uniform, min: 0, max: 1}\n', { onWarning: (w) => seen.push(w) });
    expect(seen.map((w) => w.path)).toEqual(['parameters.lr.distribution']);
  });

  it('a valid file has no warnings', () => {
    expect(warningsOf('method: random\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n')).toEqual([]);
  });
});

describe('errors', () => {
  it('parseSweepConfig throws a ConfigError listing every problem, formatted with file:line:col', () => {
    const source = 'method: grid\nparameters:\n  lr: {distribution: log_uniform_values, min: 0, max: 1}\n  wd: {min: 0.0, max: 1.0}\nrun_cap: -1\n';
    let error: unknown;
    try {
      parseSweepConfig(source, { file: 'sweeps/x.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const err = error as ConfigError;
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.issues.map((i) => i.path)).toEqual(['parameters.lr.min', 'parameters.wd', 'run_cap']);
    expect(err.message.split('\n')[0]).toBe(
      'sweeps/x.yaml:3:47 parameters.lr.min: min must be > 0 for log_uniform_values (its bounds are values, not exponents), but got 0',
    );
  });

  it('checkSweepConfig never throws and returns no config when invalid', () => {
    const result = checkSweepConfig('method: [', { file: 'x.yaml' });
    expect(result.config).toBeUndefined();
    expect(result.errors.length).toBeGreaterThan(0);
  });
});
