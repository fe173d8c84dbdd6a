/** Levy in `dims` dimensions: minimum 0 at (1, …, 1). */
import { boxSpace, vectorOf, type TestFunction } from './test-function.js';

/** Levy on [lo, hi]^dims with `budget` sequential runs. */
export function levy(dims: number, lo: number, hi: number, budget: number): TestFunction {
  return {
    name: `levy-${dims}d`,
    parameters: boxSpace(dims, lo, hi),
    evaluate: (c) => {
      const w = vectorOf(c, dims).map((v) => 1 + (v - 1) / 4);
      let f = Math.sin(Math.PI * w[0]!) ** 2;
      for (let i = 0; i < dims - 1; i++) f += (w[i]! - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i]! + 1) ** 2);
      f += (w[dims - 1]! - 1) ** 2 * (1 + Math.sin(2 * Math.PI * w[dims - 1]!) ** 2);
      return f;
    },
    minimum: 0,
    budget,
  };
}
