/**
 * The contract of a search method (design.md, "The pure core"): given the sweep, every run it
 * has so far (any state) and a seed, what to run next. Pure: no I/O, no clock.
 *
 * Three honest outcomes (Ray Tune's suggest: a config, "not now", or FINISHED):
 * - `proposals`: between 1 and `count` configs (fewer when that is all the method has now);
 * - `wait`: nothing new this time, but the space is not used up: ask again later (a random or
 *   bayes draw that found only taken points in a large space, more results may change that);
 * - `exhausted`: every point of a finite space is taken; asking again gives the same answer.
 * Every outcome carries `proposals` (empty unless `kind` is `proposals`) so callers that only
 * want the configs can read them without a switch.
 */
import type { SweepConfig } from '../config/types.js';
import type { Proposal, RunRecord } from '../run-record.js';

export interface NextRunsOptions {
  /** How many proposals to return. @defaultValue 1 */
  count?: number;
  /** The sweep's seed. */
  seed: number;
}

export type SearchOutcome =
  | { kind: 'proposals'; proposals: Proposal[] }
  /** Nothing new now; the space is not used up. `reason` says why, for a person. */
  | { kind: 'wait'; proposals: []; reason: string }
  /** The space is used up: the sweep can finish once its runs end. */
  | { kind: 'exhausted'; proposals: []; reason: string };

export type SearchMethod = (config: SweepConfig, runs: readonly RunRecord[], options: Required<NextRunsOptions>) => SearchOutcome;

export const proposalsOutcome = (proposals: Proposal[]): SearchOutcome => ({ kind: 'proposals', proposals });
export const waitOutcome = (reason: string): SearchOutcome => ({ kind: 'wait', proposals: [], reason });
export const exhaustedOutcome = (reason: string): SearchOutcome => ({ kind: 'exhausted', proposals: [], reason });
