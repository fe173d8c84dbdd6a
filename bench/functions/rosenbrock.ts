/** Rosenbrock in `dims` dimensions: minimum 0 at (1, …, 1), at the end of a long curved valley. */
import { boxSpace, vectorOf, type TestFunction } from './test-function.js';

/** Rosenbrock on [lo, hi]^dims with `budget` sequential runs. */
export function rosenbrock(dims: number, lo: number, hi: number, budget: number): TestFunction {
  return {
    name: `rosenbrock-${dims}d`,
    parameters: boxSpace(dims, lo, hi),
    evaluate: (c) => {
      const x = vectorOf(c, dims);
      let f = 0;
      for (let i = 0; i < dims - 1; i++) f += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
      return f;
    },
    minimum: 0,
    budget,
  };
}
