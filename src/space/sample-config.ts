/** Sampling a whole config: every parameter in file order, nested parameters as nested objects. */
import type { Config, ParameterSpace } from '../config/types.js';
import type { Rng } from './rng.js';
import { sampleParameter } from './sample-parameter.js';

/** One config drawn from the space; draws are taken from `rng` in the space's (file) order, depth-first. */
export function sampleConfig(space: ParameterSpace, rng: Rng): Config {
  return sampleParameter({ distribution: 'nested', parameters: space }, rng) as Config;
}
