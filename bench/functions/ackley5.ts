/** Ackley 5-D on [−5, 10]^5 (the box BoTorch and TuRBO use): many local minima, minimum 0 at the origin. */
import { boxSpace, vectorOf, type TestFunction } from './test-function.js';

export const ackley5: TestFunction = {
  name: 'ackley-5d',
  parameters: boxSpace(5, -5, 10),
  evaluate: (c) => {
    const x = vectorOf(c, 5);
    const d = x.length;
    const s1 = x.reduce((s, v) => s + v * v, 0) / d;
    const s2 = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / d;
    return -20 * Math.exp(-0.2 * Math.sqrt(s1)) - Math.exp(s2) + 20 + Math.E;
  },
  minimum: 0,
  budget: 50,
};
