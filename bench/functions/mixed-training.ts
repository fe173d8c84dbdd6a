/**
 * A mixed space shaped like a training sweep: a log-scale learning rate whose best value depends
 * on a categorical optimizer, an integer depth, a q-log batch size and a uniform dropout.
 * Minimum 0 at optimizer adam, lr 1e-3, layers 4, batch 64, dropout 0.1.
 */
import type { TestFunction } from './test-function.js';

const BEST_LOG_LR: Record<string, number> = { adam: -3, sgd: -1.5, rmsprop: -3.5 };
const OFFSET: Record<string, number> = { adam: 0, sgd: 0.3, rmsprop: 0.15 };

export const mixedTraining: TestFunction = {
  name: 'mixed-5d',
  parameters: {
    optimizer: { distribution: 'categorical', values: ['sgd', 'adam', 'rmsprop'] },
    lr: { distribution: 'log_uniform_values', min: 1e-5, max: 1 },
    layers: { distribution: 'int_uniform', min: 1, max: 12 },
    batch: { distribution: 'q_log_uniform_values', min: 16, max: 1024, q: 16 },
    dropout: { distribution: 'uniform', min: 0, max: 0.6 },
  },
  evaluate: (c) => {
    const opt = c.optimizer as string;
    const dLr = Math.log10(c.lr as number) - BEST_LOG_LR[opt]!;
    const dLayers = ((c.layers as number) - 4) / 4;
    const dBatch = Math.log2(c.batch as number) - 6;
    const dDrop = (c.dropout as number) - 0.1;
    return OFFSET[opt]! + 0.5 * dLr * dLr + 0.8 * dLayers * dLayers + 0.1 * dBatch * dBatch + 3 * dDrop * dDrop + 0.2 * Math.abs(dLr * dLayers);
  },
  minimum: 0,
  budget: 50,
};
