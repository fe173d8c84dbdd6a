/** Branin-Hoo, 2-D: three global minima of 0.397887 (x1 ∈ [−5, 10], x2 ∈ [0, 15]). */
import type { TestFunction } from './test-function.js';

export const branin: TestFunction = {
  name: 'branin-2d',
  parameters: {
    x1: { distribution: 'uniform', min: -5, max: 10 },
    x2: { distribution: 'uniform', min: 0, max: 15 },
  },
  evaluate: (c) => {
    const x1 = c.x1 as number;
    const x2 = c.x2 as number;
    const b = 5.1 / (4 * Math.PI ** 2);
    const cc = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + cc * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
  minimum: 0.397887357729738,
  budget: 50,
};
