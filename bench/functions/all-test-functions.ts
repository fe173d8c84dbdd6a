/** Every benchmark objective, in the order the quality benchmark prints them. */
import { ackley } from './ackley.js';
import { branin } from './branin.js';
import { hartmann6 } from './hartmann6.js';
import { levy } from './levy.js';
import { mixedTraining } from './mixed-training.js';
import { mixedTraining20 } from './mixed-training-20.js';
import { rosenbrock } from './rosenbrock.js';
import type { TestFunction } from './test-function.js';

/** Low-dimensional problems (issue 3): 50–100 runs. */
export const lowDimensionalFunctions: TestFunction[] = [
  branin,
  hartmann6,
  rosenbrock(4, -2, 2, 50),
  ackley(5, -5, 10, 50),
  levy(3, -10, 10, 50),
  mixedTraining,
];

/**
 * High-dimensional problems (issue 19) on the boxes BoTorch's test functions use
 * (Rosenbrock [−5, 10], Ackley [−5, 10] as in TuRBO, Levy [−10, 10]): 200 runs in 20-D, 400 in 50-D.
 */
export const highDimensionalFunctions: TestFunction[] = [
  rosenbrock(20, -5, 10, 200),
  ackley(20, -5, 10, 200),
  levy(20, -10, 10, 200),
  mixedTraining20,
  rosenbrock(50, -5, 10, 400),
  ackley(50, -5, 10, 400),
  levy(50, -10, 10, 400),
];

export const allTestFunctions: TestFunction[] = [...lowDimensionalFunctions, ...highDimensionalFunctions];
