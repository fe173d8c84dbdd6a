/**
 * The search method of each `method:` value.
 */
import type { SweepConfig } from '../config/types.js';
import { bayesSearch } from './bayes/bayes-search.js';
import { gridSearch } from './grid.js';
import { randomSearch } from './random.js';
import type { SearchMethod } from './search-method.js';

export const searchMethods: Record<SweepConfig['method'], SearchMethod> = {
  grid: gridSearch,
  random: randomSearch,
  bayes: bayesSearch,
};
