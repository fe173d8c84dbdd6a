/** Rosenbrock 4-D on [−2, 2]^4: minimum 0 at (1, 1, 1, 1), at the end of a long curved valley. */
import { boxSpace, vectorOf, type TestFunction } from './test-function.js';

export const rosenbrock4: TestFunction = {
  name: 'rosenbrock-4d',
  parameters: boxSpace(4, -2, 2),
  evaluate: (c) => {
    const x = vectorOf(c, 4);
    let f = 0;
    for (let i = 0; i < 3; i++) f += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
    return f;
  },
  minimum: 0,
  budget: 50,
};
