/**
 * The one entry point of search (design.md, "The pure core"): what to run next for a sweep,
 * given every run it has so far. Pure; the same inputs give the same outcome.
 */
import type { SweepConfig } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import type { RunRecord } from '../run-record.js';
import { searchMethods } from './methods.js';
import { proposalsOutcome, type NextRunsOptions, type SearchOutcome } from './search-method.js';

/**
 * Up to `options.count` (default 1) proposals, or why there are none: `wait` (nothing new now,
 * ask again later) or `exhausted` (the space is used up). Count 0 gives no proposals.
 */
export function nextRuns(config: SweepConfig, runs: readonly RunRecord[], options: NextRunsOptions): SearchOutcome {
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 0) throw new HypersweepError('BAD_REQUEST', `count must be a non-negative integer (got ${count})`);
  if (!Number.isFinite(options.seed)) throw new HypersweepError('BAD_REQUEST', `seed must be a finite number (got ${options.seed})`);
  const method = searchMethods[config.method];
  if (!method) throw new HypersweepError('CONFIG_INVALID', `unknown search method ${JSON.stringify(config.method)}`);
  if (count === 0) return proposalsOutcome([]);
  return method(config, runs, { count, seed: options.seed });
}
