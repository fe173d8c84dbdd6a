/**
 * The contract of a search method (design.md, "The pure core"): given the sweep, every run it
 * has so far (any state) and a seed, what configs to run next. Pure: no I/O, no clock.
 * Returns fewer than `count` (possibly []) when the space is exhausted (a finished grid).
 */
import type { SweepConfig } from '../config/types.js';
import type { Proposal, RunRecord } from '../run-record.js';

export interface NextRunsOptions {
  /** How many proposals to return. @defaultValue 1 */
  count?: number;
  /** The sweep's seed. */
  seed: number;
}

export type SearchMethod = (config: SweepConfig, runs: readonly RunRecord[], options: Required<NextRunsOptions>) => Proposal[];
