/**
 * A 20-parameter mixed space shaped like a real training sweep: three categoricals (optimizer,
 * activation, schedule), seven log-scale, five integer and five uniform parameters. As in real
 * sweeps a few parameters matter much and most matter little; the best learning rate depends on
 * the optimizer and on the batch size (the linear scaling rule), and depth interacts with width.
 * Minimum 0 at the values in BEST (optimizer adamw, activation gelu, schedule cosine).
 */
import type { TestFunction } from './test-function.js';

const BEST_LOG_LR: Record<string, number> = { adamw: -3, adam: -3.2, sgd: -1.5, rmsprop: -3.5 };
const OPTIMIZER_OFFSET: Record<string, number> = { adamw: 0, adam: 0.05, sgd: 0.3, rmsprop: 0.15 };
const ACTIVATION_OFFSET: Record<string, number> = { gelu: 0, relu: 0.04, tanh: 0.2 };
const SCHEDULE_OFFSET: Record<string, number> = { cosine: 0, linear: 0.03, constant: 0.1 };

/** Where each numeric parameter is best, and how much a unit of its error costs (weight). */
const BEST = {
  weight_decay: { at: -4, weight: 0.15 }, // log10
  warmup_ratio: { at: 0.06, weight: 2 },
  grad_clip: { at: 0, weight: 0.1 }, // log10
  label_smoothing: { at: 0.1, weight: 1.5 },
  adam_eps: { at: -8, weight: 0.01 }, // log10
  beta2: { at: 0.98, weight: 4 },
  heads: { at: 8, weight: 0.004 },
  epochs: { at: 60, weight: 2e-5 },
  kernel: { at: 3, weight: 0.02 },
  init_scale: { at: -1, weight: 0.08 }, // log10
  ema_decay: { at: -3, weight: 0.03 }, // log10 of 1 − decay
  momentum: { at: 0.9, weight: 0.5 },
} as const;

export const mixedTraining20: TestFunction = {
  name: 'mixed-20d',
  parameters: {
    optimizer: { distribution: 'categorical', values: ['sgd', 'adam', 'adamw', 'rmsprop'] },
    activation: { distribution: 'categorical', values: ['relu', 'gelu', 'tanh'] },
    schedule: { distribution: 'categorical', values: ['constant', 'linear', 'cosine'] },
    lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1 },
    weight_decay: { distribution: 'log_uniform_values', min: 1e-6, max: 0.1 },
    grad_clip: { distribution: 'log_uniform_values', min: 0.1, max: 10 },
    adam_eps: { distribution: 'log_uniform_values', min: 1e-10, max: 1e-6 },
    init_scale: { distribution: 'log_uniform_values', min: 0.01, max: 1 },
    ema_decay_gap: { distribution: 'log_uniform_values', min: 1e-4, max: 0.1 },
    batch: { distribution: 'q_log_uniform_values', min: 16, max: 1024, q: 16 },
    layers: { distribution: 'int_uniform', min: 1, max: 12 },
    width_exp: { distribution: 'int_uniform', min: 4, max: 11 },
    heads: { distribution: 'int_uniform', min: 1, max: 16 },
    epochs: { distribution: 'int_uniform', min: 5, max: 100 },
    kernel: { distribution: 'int_uniform', min: 1, max: 7 },
    dropout: { distribution: 'uniform', min: 0, max: 0.6 },
    warmup_ratio: { distribution: 'uniform', min: 0, max: 0.3 },
    label_smoothing: { distribution: 'uniform', min: 0, max: 0.3 },
    beta2: { distribution: 'uniform', min: 0.9, max: 0.999 },
    momentum: { distribution: 'uniform', min: 0, max: 0.99 },
  },
  evaluate: (c) => {
    const opt = c.optimizer as string;
    const num = (k: string): number => c[k] as number;
    // linear scaling: the best lr grows with the batch (by half a decade per 16× batch from 64)
    const dBatch = Math.log2(num('batch')) - 6;
    const dLr = Math.log10(num('lr')) - (BEST_LOG_LR[opt]! + (0.5 * dBatch) / 4);
    const dLayers = (num('layers') - 4) / 4;
    const dWidth = num('width_exp') - (dLayers > 0 ? 7 : 8); // deeper nets want narrower layers
    const dDrop = num('dropout') - 0.1;
    const sq = (k: keyof typeof BEST, v: number): number => BEST[k].weight * (v - BEST[k].at) ** 2;
    return (
      OPTIMIZER_OFFSET[opt]! +
      ACTIVATION_OFFSET[c.activation as string]! +
      SCHEDULE_OFFSET[c.schedule as string]! +
      0.5 * dLr * dLr +
      0.2 * Math.abs(dLr * dLayers) +
      0.8 * dLayers * dLayers +
      0.1 * dWidth * dWidth +
      0.05 * dBatch * dBatch +
      3 * dDrop * dDrop +
      sq('weight_decay', Math.log10(num('weight_decay'))) +
      sq('warmup_ratio', num('warmup_ratio')) +
      sq('grad_clip', Math.log10(num('grad_clip'))) +
      sq('label_smoothing', num('label_smoothing')) +
      sq('adam_eps', Math.log10(num('adam_eps'))) +
      sq('beta2', num('beta2')) +
      sq('heads', num('heads')) +
      sq('epochs', num('epochs')) +
      sq('kernel', num('kernel')) +
      sq('init_scale', Math.log10(num('init_scale'))) +
      sq('ema_decay', Math.log10(num('ema_decay_gap'))) +
      (opt === 'sgd' ? sq('momentum', num('momentum')) : 0)
    );
  },
  minimum: 0,
  budget: 200,
};
