/**
 * One invalid sweep file per rule: each must give exactly one error, at the offending node's
 * line and column, with its dotted path and a message stating the rule and the value received.
 */
import { describe, expect, it } from 'vitest';
import { checkSweepConfig } from '../../src/config/parse-sweep-config.js';

/** Lines 1-2; the first parameter starts on line 3. */
const H = 'method: random\nparameters:\n';
/** A valid parameters block (lines 2-3) for files that test other keys; line 1 is free. */
const X = 'parameters:\n  x: {value: 1}\n';
/** method random + metric + parameters (lines 1-4); the tested key starts on line 5. */
const M = 'method: random\nmetric: {name: loss}\nparameters:\n  x: {value: 1}\n';

type Case = [name: string, source: string, line: number, column: number, path: string, message: string];

const cases: Case[] = [
  // --- syntax
  ['YAML syntax error: unterminated quote', 'method: random\nname: "abc\n', 2, 7, '', 'YAML syntax error: Missing closing "quote'],
  ['YAML syntax error: unterminated single quote', "method: random\nname: 'abc\n", 2, 7, '', "YAML syntax error: Missing closing 'quote"],
  ['YAML syntax error: bad indentation', 'method: random\nparameters:\n  x: {value: 1}\n y: 2\n', 4, 1, '', 'YAML syntax error: All mapping items must start at the same column'],
  ['duplicate top-level key', 'method: random\nmethod: grid\n' + X, 2, 1, 'method', 'duplicate key "method" (first at line 1, column 1)'],
  ['duplicate key inside a parameter', H + '  lr:\n    min: 0\n    min: 1\n    max: 2\n', 5, 5, 'parameters.lr.min', 'duplicate key "min" (first at line 4, column 5)'],
  ['multiple YAML documents', 'method: random\n' + X + '---\nmethod: grid\n', 4, 1, '', 'multiple documents'],
  // --- the whole file
  ['empty file', '# nothing here\n', 1, 1, '', 'the sweep file is empty'],
  ['top level is a list', '- method\n- random\n', 1, 1, '', 'a sweep file must be a mapping (key: value lines), but got a list'],
  ['method missing', X, 1, 1, '', 'method is required (grid, random or bayes), but got none'],
  ['method misspelt', 'method: grids\n' + X, 1, 9, 'method', 'method must be one of grid, random, bayes, but got "grids"; did you mean "grid"?'],
  ['parameters missing', 'method: random\nname: x\n', 1, 1, '', 'parameters is required'],
  ['parameters empty', 'method: random\nparameters: {}\n', 2, 13, 'parameters', 'parameters must list at least one parameter, but got none'],
  ['parameters is a list', 'method: random\nparameters: [lr]\n', 2, 13, 'parameters', 'parameters must be a mapping (key: value lines), but got a list'],
  ['unknown top-level key', 'method: random\nmetrc: {name: loss}\n' + X, 2, 1, 'metrc', 'unknown top-level key "metrc" (W&B allows no others); did you mean "metric"?'],
  ['run_cap zero', 'method: random\nrun_cap: 0\n' + X, 2, 10, 'run_cap', 'run_cap must be >= 1, but got 0'],
  ['run_cap not an integer', 'method: random\nrun_cap: 1.5\n' + X, 2, 10, 'run_cap', 'run_cap must be an integer, but got 1.5'],
  ['command not a list', 'method: random\ncommand: python train.py\n' + X, 2, 10, 'command', 'command must be a list, but got "python train.py"'],
  ['command element is a mapping', 'method: random\ncommand:\n  - python\n  - {a: 1}\n' + X, 4, 5, 'command[1]', 'each command element must be a string, but got a mapping'],
  ['command empty', 'method: random\ncommand: []\n' + X, 2, 10, 'command', 'command must list at least the program to run'],
  ['program not a string', 'method: random\nprogram: [train.py]\n' + X, 2, 10, 'program', 'program must be a string, but got a list'],
  ['controller type invalid', 'method: random\ncontroller: {type: remote}\n' + X, 2, 20, 'controller.type', 'type must be one of local, cloud, but got "remote"'],
  ['kind invalid', 'method: random\nkind: job\n' + X, 2, 7, 'kind', 'kind must be one of sweep, but got "job"'],
  ['scheduler engine needing method custom', 'method: random\nscheduler: {engine: optuna}\n' + X, 2, 21, 'scheduler.engine', 'scheduler engine optuna needs method: custom'],
  // --- parameters: shape and inference
  ['parameter name with a space', H + '  "my lr": {value: 1}\n', 3, 3, 'parameters.my lr', 'parameter names must start with a letter or _'],
  ['parameter given as a bare value', H + '  batch_size: 32\n', 3, 15, 'parameters.batch_size', 'for a constant write "batch_size: {value: 32}"'],
  ['parameter without a recognisable shape', H + '  lr: {}\n', 3, 3, 'parameters.lr', 'a parameter needs value, values, min and max, parameters, or distribution, but got an empty mapping'],
  ['unknown distribution', H + '  lr:\n    distribution: loguniform\n    min: 1\n    max: 2\n', 4, 19, 'parameters.lr.distribution', 'but got "loguniform"; did you mean "log_uniform"?'],
  ['unknown key in a parameter', H + '  lr:\n    min: 0\n    max: 1\n    mx: 2\n', 6, 5, 'parameters.lr.mx', 'unknown key "mx" in a int_uniform parameter (inferred from integer min and max); allowed keys are distribution, min, max; did you mean "max"?'],
  ['q without distribution', H + '  lr:\n    min: 0\n    max: 10\n    q: 2\n', 6, 5, 'parameters.lr.q', '"q" needs an explicit distribution'],
  ['value and values together', H + '  lr:\n    value: 1\n    values: [1, 2]\n', 3, 3, 'parameters.lr', 'a parameter takes one of value, values, or min and max, but got value and values'],
  ['min without max', H + '  lr:\n    min: 0.1\n', 3, 3, 'parameters.lr', 'a range needs both min and max, but got only min'],
  ['mu and sigma without distribution', H + '  lr:\n    mu: 0\n    sigma: 1\n', 3, 3, 'parameters.lr', 'needs distribution: (W&B infers only constant, categorical, int_uniform and uniform)'],
  ['explicit distribution missing max', H + '  lr:\n    distribution: uniform\n    min: 0\n', 3, 3, 'parameters.lr', 'a uniform parameter needs max, but got none'],
  ['key of another distribution', H + '  lr:\n    distribution: normal\n    min: 0\n', 5, 5, 'parameters.lr.min', 'unknown key "min" in a normal parameter; allowed keys are distribution, mu, sigma'],
  // --- parameters: bounds
  ['uniform min not below max', H + '  lr:\n    distribution: uniform\n    min: 1.0\n    max: 0.5\n', 5, 10, 'parameters.lr.min', 'min must be less than max (0.5), but got 1.0'],
  ['int_uniform min equal to max', H + '  n:\n    min: 3\n    max: 3\n', 4, 10, 'parameters.n.min', 'min must be less than max (3), but got 3'],
  ['int_uniform with a float bound', H + '  n:\n    distribution: int_uniform\n    min: 0.5\n    max: 4\n', 5, 10, 'parameters.n.min', 'min must be an integer, but got 0.5'],
  ['int_uniform with 1.0', H + '  n:\n    distribution: int_uniform\n    min: 1\n    max: 4.0\n', 6, 10, 'parameters.n.max', 'max must be an integer, but got 4.0'],
  ['log_uniform_values min 0', H + '  lr:\n    distribution: log_uniform_values\n    min: 0\n    max: 0.1\n', 5, 10, 'parameters.lr.min', 'min must be > 0 for log_uniform_values (its bounds are values, not exponents), but got 0'],
  ['q_log_uniform_values negative min', H + '  lr:\n    distribution: q_log_uniform_values\n    min: -1\n    max: 8\n', 5, 10, 'parameters.lr.min', 'min must be > 0 for q_log_uniform_values'],
  ['inv_log_uniform_values min 0', H + '  t:\n    distribution: inv_log_uniform_values\n    min: 0.0\n    max: 1\n', 5, 10, 'parameters.t.min', 'min must be > 0 for inv_log_uniform_values'],
  ['q zero', H + '  b:\n    distribution: q_uniform\n    min: 0\n    max: 10\n    q: 0\n', 7, 8, 'parameters.b.q', 'q must be > 0, but got 0'],
  ['sigma zero', H + '  w:\n    distribution: normal\n    sigma: 0\n', 5, 12, 'parameters.w.sigma', 'sigma must be > 0, but got 0'],
  ['log_normal negative sigma', H + '  w:\n    distribution: log_normal\n    sigma: -0.5\n', 5, 12, 'parameters.w.sigma', 'sigma must be > 0, but got -0.5'],
  ['beta a zero', H + '  p:\n    distribution: beta\n    a: 0\n', 5, 8, 'parameters.p.a', 'a must be > 0, but got 0'],
  ['q_beta negative b', H + '  p:\n    distribution: q_beta\n    b: -1\n', 5, 8, 'parameters.p.b', 'b must be > 0, but got -1'],
  ['bound written as a string', H + '  lr:\n    min: "0.1"\n    max: 1.0\n', 4, 10, 'parameters.lr.min', 'min must be a number, but got "0.1"'],
  ['infinite bound', H + '  lr:\n    min: 0.0\n    max: .inf\n', 5, 10, 'parameters.lr.max', 'max must be a finite number, but got .inf'],
  ['empty bound', H + '  lr:\n    distribution: uniform\n    min:\n    max: 1\n', 5, 9, 'parameters.lr.min', 'min must be a number, but got nothing'],
  ['mu not a number', H + '  w:\n    distribution: normal\n    mu: zero\n', 5, 9, 'parameters.w.mu', 'mu must be a number, but got "zero"'],
  // --- categorical
  ['values empty', H + '  opt:\n    values: []\n', 4, 13, 'parameters.opt.values', 'values must list at least one value, but got an empty list'],
  ['values not a list', H + '  opt:\n    values: adam\n', 4, 13, 'parameters.opt.values', 'values must be a list, but got "adam"'],
  ['probabilities of the wrong length', H + '  opt:\n    values: [a, b, c]\n    probabilities: [0.5, 0.5]\n', 5, 20, 'parameters.opt.probabilities', 'probabilities must have one entry per value (3), but got 2'],
  ['probabilities not summing to 1', H + '  opt:\n    values: [a, b]\n    probabilities: [0.5, 0.6]\n', 5, 20, 'parameters.opt.probabilities', 'probabilities must sum to 1, but got 1.1'],
  ['negative probability', H + '  opt:\n    values: [a, b]\n    probabilities: [1.5, -0.5]\n', 5, 26, 'parameters.opt.probabilities[1]', 'each probability must be >= 0, but got -0.5'],
  ['categorical_w_probabilities without probabilities', H + '  opt:\n    distribution: categorical_w_probabilities\n    values: [a, b]\n', 3, 3, 'parameters.opt', 'categorical_w_probabilities needs probabilities'],
  // --- nested
  ['error inside a nested parameter', H + '  optimizer:\n    parameters:\n      lr:\n        distribution: log_uniform_values\n        min: 0\n        max: 1\n', 7, 14, 'parameters.optimizer.parameters.lr.min', 'min must be > 0 for log_uniform_values'],
  ['nested parameters empty', H + '  optimizer:\n    parameters: {}\n', 4, 17, 'parameters.optimizer.parameters', 'parameters.optimizer.parameters must list at least one parameter'],
  ['nested parameter with another key', H + '  optimizer:\n    distribution: categorical\n    parameters:\n      lr: {value: 1}\n', 4, 5, 'parameters.optimizer.distribution', 'unknown key "distribution" in a nested parameter'],
  // --- grid
  ['grid with a continuous parameter', 'method: grid\nparameters:\n  lr:\n    min: 0.0\n    max: 1.0\n', 3, 3, 'parameters.lr', 'grid search cannot enumerate a uniform parameter; list the points with values: [...], or use int_uniform or q_uniform'],
  ['grid with a nested normal parameter', 'method: grid\nparameters:\n  opt:\n    parameters:\n      w: {distribution: normal}\n', 5, 7, 'parameters.opt.parameters.w', 'grid search cannot enumerate a normal parameter'],
  ['grid with probabilities', 'method: grid\nparameters:\n  opt:\n    values: [a, b]\n    probabilities: [0.5, 0.5]\n', 5, 5, 'parameters.opt.probabilities', 'grid search tries every value, so probabilities have no meaning'],
  // --- metric
  ['metric given as a string', 'method: random\nmetric: val_loss\n' + X, 2, 9, 'metric', 'metric must be a mapping (key: value lines), but got "val_loss"'],
  ['metric without name', 'method: random\nmetric:\n  goal: maximize\n' + X, 3, 3, 'metric', 'metric needs name'],
  ['metric goal misspelt', 'method: random\nmetric:\n  name: acc\n  goal: maximise\n' + X, 4, 9, 'metric.goal', 'goal must be one of minimize, maximize, but got "maximise"; did you mean "maximize"?'],
  ['metric unknown key', 'method: random\nmetric:\n  name: acc\n  gaol: maximize\n' + X, 4, 3, 'metric.gaol', 'unknown key "gaol" in metric; allowed keys are name, goal, target, impute, impute_while_running, summary; did you mean "goal"?'],
  ['metric summary invalid', 'method: random\nmetric: {name: acc, summary: mean}\n' + X, 2, 30, 'metric.summary', 'summary must be one of best, last, but got "mean"'],
  ['metric target not a number', 'method: random\nmetric: {name: acc, target: high}\n' + X, 2, 29, 'metric.target', 'target must be a number, but got "high"'],
  ['bayes without metric', 'method: bayes\n' + X, 1, 9, 'method', 'bayes search needs a metric to model'],
  // --- early_terminate
  ['early_terminate without metric', 'method: random\n' + X + 'early_terminate: {type: hyperband, min_iter: 3}\n', 4, 1, 'early_terminate', 'early_terminate needs a metric'],
  ['early_terminate without type', M + 'early_terminate:\n  min_iter: 3\n', 6, 3, 'early_terminate', 'early_terminate needs type (one of hyperband, median, patience), but got none'],
  ['early_terminate type misspelt', M + 'early_terminate:\n  type: hyperbnd\n', 6, 9, 'early_terminate.type', 'type must be one of hyperband, median, patience, but got "hyperbnd"; did you mean "hyperband"?'],
  ['hyperband without min_iter or max_iter', M + 'early_terminate:\n  type: hyperband\n  eta: 3\n', 6, 3, 'early_terminate', 'hyperband needs min_iter, or max_iter with s, but got neither'],
  ['hyperband max_iter without s', M + 'early_terminate:\n  type: hyperband\n  max_iter: 27\n', 7, 3, 'early_terminate.max_iter', 'max_iter needs s (the number of brackets)'],
  ['hyperband eta 1', M + 'early_terminate:\n  type: hyperband\n  min_iter: 3\n  eta: 1\n', 8, 8, 'early_terminate.eta', 'eta must be > 1, but got 1'],
  ['hyperband min_iter 0', M + 'early_terminate:\n  type: hyperband\n  min_iter: 0\n', 7, 13, 'early_terminate.min_iter', 'min_iter must be >= 1, but got 0'],
  ['hyperband min_iter as a float', M + 'early_terminate:\n  type: hyperband\n  min_iter: 3.0\n', 7, 13, 'early_terminate.min_iter', 'min_iter must be an integer, but got 3.0'],
  ['hyperband max_iter below eta', M + 'early_terminate:\n  type: hyperband\n  max_iter: 2\n  s: 2\n', 7, 13, 'early_terminate.max_iter', 'max_iter must be >= eta (3) so that at least one bracket exists, but got 2'],
  ['hyperband strict not a boolean', M + 'early_terminate:\n  type: hyperband\n  min_iter: 3\n  strict: "yes"\n', 8, 11, 'early_terminate.strict', 'strict must be true or false, but got "yes"'],
  ['early_terminate unknown key', M + 'early_terminate:\n  type: hyperband\n  min_iter: 3\n  etaa: 2\n', 8, 3, 'early_terminate.etaa', 'unknown key "etaa" in early_terminate of type hyperband; allowed keys are type, min_iter, max_iter, s, eta, strict; did you mean "eta"?'],
  ['median warmup_runs 0', M + 'early_terminate: {type: median, warmup_runs: 0}\n', 5, 46, 'early_terminate.warmup_runs', 'warmup_runs must be >= 1, but got 0'],
  ['patience without patience', M + 'early_terminate:\n  type: patience\n', 6, 3, 'early_terminate', 'early_terminate of type patience needs patience'],
  ['patience negative min_delta', M + 'early_terminate: {type: patience, patience: 3, min_delta: -0.1}\n', 5, 59, 'early_terminate.min_delta', 'min_delta must be >= 0, but got -0.1'],
  // --- hypersweep block
  ['hypersweep unknown key', 'method: random\n' + X + 'hypersweep:\n  retries: 3\n', 5, 3, 'hypersweep.retries', 'unknown key "retries" in the hypersweep block; allowed keys are max_attempts, retry_failed, run_timeout_sec, stdout_metrics, seed, wandb, gpus_per_run'],
  ['hypersweep max_attempts 0', 'method: random\n' + X + 'hypersweep: {max_attempts: 0}\n', 4, 28, 'hypersweep.max_attempts', 'max_attempts must be >= 1, but got 0'],
  ['hypersweep retry_failed as a string', 'method: random\n' + X + 'hypersweep: {retry_failed: "true"}\n', 4, 28, 'hypersweep.retry_failed', 'retry_failed must be true or false, but got "true"'],
  ['hypersweep run_timeout_sec 0', 'method: random\n' + X + 'hypersweep: {run_timeout_sec: 0}\n', 4, 31, 'hypersweep.run_timeout_sec', 'run_timeout_sec must be > 0, but got 0'],
  ['hypersweep negative seed', 'method: random\n' + X + 'hypersweep: {seed: -1}\n', 4, 20, 'hypersweep.seed', 'seed must be >= 0, but got -1'],
  ['hypersweep wandb misspelt', 'method: random\n' + X + 'hypersweep: {wandb: standn}\n', 4, 21, 'hypersweep.wandb', 'wandb must be one of auto, standin, but got "standn"; did you mean "standin"?'],
];

describe('invalid sweep files: one precise error each', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s', (_name, source, line, column, path, message) => {
    const { config, errors } = checkSweepConfig(source, { file: 'bad.yaml' });
    expect(config).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toEqual({ line, column, path, message: expect.stringContaining(message) });
  });
});

describe('invalid JSON files', () => {
  it('reports a JSON syntax error with line and column', () => {
    const source = '{\n  "method": "random",\n  "parameters": {"x": {"value": 1}},\n}\n';
    const { errors } = checkSweepConfig(source, { file: 'bad.json' });
    expect(errors).toEqual([{ path: '', line: 4, column: 1, message: expect.stringContaining('JSON syntax error') }]);
  });

  it('reports a rule broken in JSON at the JSON token', () => {
    const source = '{\n  "method": "random",\n  "parameters": {\n    "lr": {"distribution": "log_uniform_values", "min": 0, "max": 1}\n  }\n}\n';
    const { errors } = checkSweepConfig(source, { file: 'bad.json' });
    expect(errors).toEqual([
      { path: 'parameters.lr.min', line: 4, column: 57, message: expect.stringContaining('min must be > 0 for log_uniform_values') },
    ]);
  });

  it('reports duplicate keys in JSON (JSON.parse would silently keep the last)', () => {
    const source = '{"method": "random", "method": "grid", "parameters": {"x": {"value": 1}}}';
    const { errors } = checkSweepConfig(source, { file: 'bad.json' });
    expect(errors).toEqual([{ path: 'method', line: 1, column: 22, message: expect.stringContaining('duplicate key "method"') }]);
  });
});

describe('every problem at once', () => {
  it('collects errors from every block in source order', () => {
    const source = [
      'method: grid',
      'metric: {name: loss, goal: up}',
      'parameters:',
      '  lr: {distribution: log_uniform_values, min: 0, max: 1}',
      '  wd: {min: 0.0, max: 1.0}',
      '  opt: {values: []}',
      'early_terminate: {type: hyperband}',
      'run_cap: 0',
      'extra_key: 1',
    ].join('\n');
    const { errors } = checkSweepConfig(source, { file: 'many.yaml' });
    expect(errors.map((e) => `${e.line}:${e.column} ${e.path}`)).toEqual([
      '2:28 metric.goal',
      '4:47 parameters.lr.min',
      '5:3 parameters.wd',
      '6:17 parameters.opt.values',
      '7:18 early_terminate',
      '8:10 run_cap',
      '9:1 extra_key',
    ]);
  });
});
