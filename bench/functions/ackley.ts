/** Ackley in `dims` dimensions: many regular local minima, global minimum 0 at the origin. */
import { boxSpace, vectorOf, type TestFunction } from './test-function.js';

/** Ackley on [lo, hi]^dims with `budget` sequential runs. */
export function ackley(dims: number, lo: number, hi: number, budget: number): TestFunction {
  return {
    name: `ackley-${dims}d`,
    parameters: boxSpace(dims, lo, hi),
    evaluate: (c) => {
      const x = vectorOf(c, dims);
      const s1 = x.reduce((s, v) => s + v * v, 0) / dims;
      const s2 = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / dims;
      return -20 * Math.exp(-0.2 * Math.sqrt(s1)) - Math.exp(s2) + 20 + Math.E;
    },
    minimum: 0,
    budget,
  };
}
