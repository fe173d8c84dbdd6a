/** Hartmann 6-D on [0, 1]^6: global minimum −3.32237. */
import { boxSpace, vectorOf, type TestFunction } from './test-function.js';

const A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));
const ALPHA = [1, 1.2, 3, 3.2];

export const hartmann6: TestFunction = {
  name: 'hartmann-6d',
  parameters: boxSpace(6, 0, 1),
  evaluate: (c) => {
    const x = vectorOf(c, 6);
    let f = 0;
    for (let i = 0; i < 4; i++) {
      let s = 0;
      for (let j = 0; j < 6; j++) s += A[i]![j]! * (x[j]! - P[i]![j]!) ** 2;
      f -= ALPHA[i]! * Math.exp(-s);
    }
    return f;
  },
  minimum: -3.32236801141551,
  budget: 100,
};
