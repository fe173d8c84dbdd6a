/**
 * The search method of each `method:` value. The bayes entry belongs to src/search/bayes/;
 * until that module lands, bayes sweeps fall back to random search (reason says so).
 */
import type { SweepConfig } from '../config/types.js';
import { gridSearch } from './grid.js';
import { randomSearch } from './random.js';
import type { SearchMethod } from './search-method.js';

/** Random search standing in for bayes until src/search/bayes/bayes-search.ts exists. */
const bayesUnavailable: SearchMethod = (config, runs, options) =>
  randomSearch(config, runs, options).map((p) => ({ ...p, reason: 'random (bayes not available)' }));

export const searchMethods: Record<SweepConfig['method'], SearchMethod> = {
  grid: gridSearch,
  random: randomSearch,
  bayes: bayesUnavailable,
};
