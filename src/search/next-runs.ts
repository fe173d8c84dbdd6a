/**
 * The one entry point of search (design.md, "The pure core"): the next configs to run for a
 * sweep, given every run it has so far. Pure; the same inputs give the same proposals.
 */
import type { SweepConfig } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import type { Proposal, RunRecord } from '../run-record.js';
import { searchMethods } from './methods.js';
import type { NextRunsOptions } from './search-method.js';

/** Up to `options.count` (default 1) proposals; fewer, possibly [], when the space is used up. */
export function nextRuns(config: SweepConfig, runs: readonly RunRecord[], options: NextRunsOptions): Proposal[] {
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 0) throw new HypersweepError('BAD_REQUEST', `count must be a non-negative integer (got ${count})`);
  if (!Number.isFinite(options.seed)) throw new HypersweepError('BAD_REQUEST', `seed must be a finite number (got ${options.seed})`);
  const method = searchMethods[config.method];
  if (!method) throw new HypersweepError('CONFIG_INVALID', `unknown search method ${JSON.stringify(config.method)}`);
  if (count === 0) return [];
  return method(config, runs, { count, seed: options.seed });
}
