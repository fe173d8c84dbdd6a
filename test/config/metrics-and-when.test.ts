/**
 * `metrics:` (several objectives, W&B's form) and `when:` (conditional parameters): what they
 * parse to, and one precise error (file:line:col, path, rule) per broken rule.
 */
import { describe, expect, it } from 'vitest';
import { checkSweepConfig, parseSweepConfig } from '../../src/config/parse-sweep-config.js';

const P = 'parameters:\n  x: {min: 0.0, max: 1.0}\n';

describe('metrics: several objectives', () => {
  it('reads each metric as metric: is read; metric is the first of them', () => {
    const config = parseSweepConfig(`method: bayes
metrics:
  - {name: val_loss, goal: minimize, target: 0.1}
  - {name: latency_ms, goal: minimize, summary: last}
  - {name: acc, goal: maximize}
${P}`);
    expect(config.metrics).toEqual([
      { name: 'val_loss', goal: 'minimize', summary: 'best', target: 0.1 },
      { name: 'latency_ms', goal: 'minimize', summary: 'last' },
      { name: 'acc', goal: 'maximize', summary: 'best' },
    ]);
    expect(config.metric).toEqual(config.metrics![0]);
    expect(config.extra).toEqual({});
  });

  it('works with grid and random too', () => {
    for (const method of ['grid', 'random']) {
      const config = parseSweepConfig(`method: ${method}\nmetrics: [{name: a}, {name: b, goal: maximize}]\nparameters:\n  x: {values: [1, 2]}\n`);
      expect(config.metrics?.map((m) => m.name)).toEqual(['a', 'b']);
    }
  });

  it("reads W&B's method: custom as bayes, with a warning, and keeps an optuna scheduler block as given with a warning", () => {
    const { config, warnings, errors } = checkSweepConfig(`method: custom\nscheduler: {engine: optuna}\nmetrics: [{name: a}, {name: b}]\n${P}`);
    expect(errors).toEqual([]);
    expect(config?.method).toBe('bayes');
    expect(config?.extra).toEqual({ scheduler: { engine: 'optuna' } });
    expect(warnings.map((w) => `${w.line}:${w.column} ${w.path}`)).toEqual(['1:9 method', '2:21 scheduler.engine']);
    expect(warnings[0]!.message).toContain('read as bayes');
  });

  it('warns that early_terminate judges the first metric', () => {
    const { config, warnings } = checkSweepConfig(`method: random\nmetrics: [{name: a}, {name: b}]\nearly_terminate: {type: hyperband, min_iter: 3}\n${P}`);
    expect(config?.early_terminate?.type).toBe('hyperband');
    expect(warnings).toEqual([{ line: 3, column: 1, path: 'early_terminate', message: 'early_terminate with metrics judges runs by the first metric only (a)' }]);
  });
});

describe('when: conditional parameters', () => {
  it('keeps the condition on the spec, dotted names for nested parameters, a scalar read as a one-value list', () => {
    const config = parseSweepConfig(`method: random
parameters:
  optimizer: {values: [sgd, adam, rmsprop]}
  momentum: {min: 0.0, max: 0.99, when: {optimizer: [sgd, rmsprop]}}
  model:
    parameters:
      type: {values: [cnn, mlp]}
      kernel: {values: [3, 5], when: {model.type: cnn}}
  conv:
    when: {model.type: cnn, optimizer: adam}
    parameters:
      channels: {min: 8, max: 64}
  layers: {min: 1, max: 3}
  layer_3_units: {values: [64, 128], when: {layers: 3}}
`);
    expect(config.parameters['momentum']).toEqual({ distribution: 'uniform', min: 0, max: 0.99, when: { optimizer: ['sgd', 'rmsprop'] } });
    const model = config.parameters['model'];
    expect(model?.distribution === 'nested' && model.parameters['kernel']?.when).toEqual({ 'model.type': ['cnn'] });
    expect(config.parameters['conv']?.when).toEqual({ 'model.type': ['cnn'], optimizer: ['adam'] });
    expect(config.parameters['layer_3_units']?.when).toEqual({ layers: [3] });
  });
});

const H = 'method: random\nparameters:\n  optimizer: {values: [sgd, adam]}\n  depth: {min: 1, max: 4}\n'; // lines 1-4

type Case = [name: string, source: string, line: number, column: number, path: string, message: string];
const cases: Case[] = [
  // metrics
  ['metric and metrics together', `method: random\nmetric: {name: a}\nmetrics: [{name: a}, {name: b}]\n${P}`, 3, 1, 'metrics', 'metric and metrics exclude each other'],
  ['metrics with one metric', `method: random\nmetrics: [{name: a}]\n${P}`, 2, 10, 'metrics', 'metrics must list at least two metrics'],
  ['metrics not a list', `method: random\nmetrics: {name: a}\n${P}`, 2, 10, 'metrics', 'metrics must be a list, but got a mapping'],
  ['metrics with a repeated name', `method: random\nmetrics:\n  - {name: a}\n  - {name: a, goal: maximize}\n${P}`, 4, 5, 'metrics[1]', 'metrics must have distinct names, but "a" is listed twice (first at line 3, column 5)'],
  ['metrics item without name', `method: random\nmetrics:\n  - {name: a}\n  - {goal: maximize}\n${P}`, 4, 5, 'metrics[1]', 'metric needs name'],
  ['metrics item goal misspelt', `method: random\nmetrics:\n  - {name: a}\n  - {name: b, goal: maximise}\n${P}`, 4, 21, 'metrics[1].goal', 'did you mean "maximize"?'],
  // when
  ['when names a missing parameter', H + '  lr: {min: 0.0, max: 1.0, when: {optimiser: sgd}}\n', 5, 35, 'parameters.lr.when.optimiser', 'when names parameter "optimiser", which the sweep does not have (nested ones are dotted: outer.inner); did you mean "optimizer"?'],
  ['when value the parameter cannot take', H + '  lr: {min: 0.0, max: 1.0, when: {optimizer: [sgd, adamw]}}\n', 5, 52, 'parameters.lr.when.optimizer[1]', '"adamw" is not a value "optimizer" can take ("sgd", "adam"); did you mean "adam"?'],
  ['when int_uniform value out of range', H + '  lr: {min: 0.0, max: 1.0, when: {depth: 5}}\n', 5, 42, 'parameters.lr.when.depth', '5 is not a value "depth" can take (an integer from 1 to 4)'],
  ['when names a continuous parameter', H + '  lr: {min: 0.0, max: 1.0}\n  wd: {values: [0, 1], when: {lr: 0.5}}\n', 6, 31, 'parameters.wd.when.lr', 'when may name only a categorical, constant or int_uniform parameter (one with listed values), but "lr" is uniform'],
  ['when names a nested block', H + '  opt:\n    parameters:\n      lr: {values: [1]}\n  wd: {values: [0, 1], when: {opt: 1}}\n', 8, 31, 'parameters.wd.when.opt', 'but "opt" is a nested block'],
  ['when names the parameter itself', H + '  mode: {values: [a, b], when: {mode: a}}\n', 5, 33, 'parameters.mode.when.mode', "a parameter's when cannot name the parameter itself"],
  ['when cycle through two parameters', H + '  a: {values: [1, 2], when: {b: 1}}\n  b: {values: [1, 2], when: {a: 1}}\n', 5, 23, 'parameters.a.when', 'when conditions form a cycle (a → b → a)'],
  ['when cycle through the enclosing block', H + '  blk:\n    when: {blk.kind: x}\n    parameters:\n      kind: {values: [x, y]}\n', 6, 5, 'parameters.blk.when', 'when conditions form a cycle (blk → blk.kind → blk)'],
  ['when empty', H + '  lr: {min: 0.0, max: 1.0, when: {}}\n', 5, 34, 'parameters.lr.when', 'when must name at least one parameter'],
  ['when not a mapping', H + '  lr: {min: 0.0, max: 1.0, when: optimizer}\n', 5, 34, 'parameters.lr.when', 'when must be a mapping (key: value lines), but got "optimizer"'],
  ['when with an empty list of values', H + '  lr: {min: 0.0, max: 1.0, when: {optimizer: []}}\n', 5, 46, 'parameters.lr.when.optimizer', 'when.optimizer must list at least one value'],
];

describe('invalid metrics and when: one precise error each', () => {
  it.each(cases)('%s', (_name, source, line, column, path, message) => {
    const { config, errors } = checkSweepConfig(source, { file: 'bad.yaml' });
    expect(config).toBeUndefined();
    expect(errors).toEqual([{ line, column, path, message: expect.stringContaining(message) }]);
  });
});
