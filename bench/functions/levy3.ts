/** Levy 3-D on [−10, 10]^3: minimum 0 at (1, 1, 1). */
import { boxSpace, vectorOf, type TestFunction } from './test-function.js';

export const levy3: TestFunction = {
  name: 'levy-3d',
  parameters: boxSpace(3, -10, 10),
  evaluate: (c) => {
    const w = vectorOf(c, 3).map((v) => 1 + (v - 1) / 4);
    const d = w.length;
    let f = Math.sin(Math.PI * w[0]!) ** 2;
    for (let i = 0; i < d - 1; i++) f += (w[i]! - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i]! + 1) ** 2);
    f += (w[d - 1]! - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[d - 1]!) ** 2);
    return f;
  },
  minimum: 0,
  budget: 50,
};
