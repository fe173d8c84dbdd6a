/** Every benchmark objective, in the order the quality benchmark prints them. */
import { ackley5 } from './ackley5.js';
import { branin } from './branin.js';
import { hartmann6 } from './hartmann6.js';
import { levy3 } from './levy3.js';
import { mixedTraining } from './mixed-training.js';
import { rosenbrock4 } from './rosenbrock4.js';
import type { TestFunction } from './test-function.js';

export const allTestFunctions: TestFunction[] = [branin, hartmann6, rosenbrock4, ackley5, levy3, mixedTraining];
