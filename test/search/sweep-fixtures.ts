/** Sweeps and run records the search tests share. */
import type { Config, ParameterSpace, SweepConfig } from '../../src/config/types.js';
import { RUN_STATES, type RunRecord } from '../../src/run-record.js';

export function sweep(method: SweepConfig['method'], parameters: ParameterSpace): SweepConfig {
  return {
    method,
    parameters,
    metric: { name: 'loss', goal: 'minimize', summary: 'best' },
    execution: { max_attempts: 3, retry_failed: false, stdout_metrics: false },
    extra: {},
  };
}

/** Run i gets state RUN_STATES[i % n] so histories hold runs in every state; finished ones have a loss. */
export function runsOf(configs: readonly Config[]): RunRecord[] {
  return configs.map((config, i) => {
    const state = RUN_STATES[i % RUN_STATES.length]!;
    const loss = (i * 7919) % 13 / 13;
    return {
      id: `r${i}`,
      state,
      config,
      history: state === 'pending' ? [] : [{ _step: 0, loss: loss + 1 }, { _step: 1, loss }],
    };
  });
}

/** 3 × 4 × 5 × 1 = 60 points, nested included. */
export const discreteSpace: ParameterSpace = {
  optimizer: { distribution: 'categorical', values: ['adam', 'sgd', 'lion'] },
  layers: { distribution: 'int_uniform', min: 1, max: 4 },
  schedule: {
    distribution: 'nested',
    parameters: {
      // max 1.2: grid (W&B's arange, below max) and sampling both give 0, 0.25, …, 1
      warmup: { distribution: 'q_uniform', min: 0, max: 1.2, q: 0.25 },
      kind: { distribution: 'constant', value: 'cosine' },
    },
  },
};
export const discreteSize = 60;

export const continuousSpace: ParameterSpace = {
  lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1e-1 },
  dropout: { distribution: 'uniform', min: 0, max: 0.5 },
  batch: { distribution: 'q_log_uniform_values', min: 16, max: 512, q: 16 },
  momentum: { distribution: 'beta', a: 2, b: 5 },
  act: { distribution: 'categorical', values: ['relu', 'gelu'] },
  net: {
    distribution: 'nested',
    parameters: {
      width: { distribution: 'int_uniform', min: 32, max: 256 },
      scale: { distribution: 'q_uniform', min: 0.1, max: 2, q: 0.1 },
    },
  },
};
