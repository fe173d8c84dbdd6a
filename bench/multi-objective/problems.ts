/**
 * Multi-objective test problems (both objectives minimised), with the reference point and the
 * largest hypervolume BoTorch's test_functions/multi_objective.py gives for them.
 */
import type { Config, ParameterSpace } from '../../src/config/types.js';

export interface MultiObjectiveProblem {
  name: string;
  parameters: ParameterSpace;
  evaluate(config: Config): [number, number];
  reference: [number, number];
  maxHypervolume: number;
}

const unitBox = (dims: number): ParameterSpace =>
  Object.fromEntries(Array.from({ length: dims }, (_, i) => [`x${i + 1}`, { distribution: 'uniform', min: 0, max: 1 }])) as ParameterSpace;

/** BraninCurrin (Belakaria et al. 2019), 2-D on [0, 1]²: Branin on the rescaled box and Currin's exponential. */
export const braninCurrin: MultiObjectiveProblem = {
  name: 'branin-currin-2d',
  parameters: unitBox(2),
  evaluate: (c) => {
    const x0 = c.x1 as number;
    const x1 = c.x2 as number;
    const u = 15 * x0 - 5;
    const v = 15 * x1;
    const branin = (v - (5.1 / (4 * Math.PI ** 2)) * u * u + (5 / Math.PI) * u - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(u) + 10;
    const factor = 1 - Math.exp(-1 / (2 * x1));
    const currin = (factor * (2300 * x0 ** 3 + 1900 * x0 ** 2 + 2092 * x0 + 60)) / (100 * x0 ** 3 + 500 * x0 ** 2 + 4 * x0 + 20);
    return [branin, currin];
  },
  reference: [18, 6],
  maxHypervolume: 59.36011874867746,
};

/** DTLZ2 (Deb et al. 2002) with 4 inputs and 2 objectives: the front is the quarter circle f1² + f2² = 1. */
export const dtlz2: MultiObjectiveProblem = {
  name: 'dtlz2-4d',
  parameters: unitBox(4),
  evaluate: (c) => {
    const x = [1, 2, 3, 4].map((i) => c[`x${i}`] as number);
    const g = x.slice(1).reduce((s, xi) => s + (xi - 0.5) ** 2, 0);
    return [(1 + g) * Math.cos((x[0]! * Math.PI) / 2), (1 + g) * Math.sin((x[0]! * Math.PI) / 2)];
  },
  reference: [1.1, 1.1],
  maxHypervolume: 1.1 * 1.1 - Math.PI / 4,
};
