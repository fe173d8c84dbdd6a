/**
 * The running runs to stop now, and why (design.md, "The pure core"): dispatches on the sweep's
 * `early_terminate.type`. [] without early_terminate or without a metric. Pure: no I/O, no clock.
 */
import type { EarlyTerminateSpec, SweepConfig } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import type { RunRecord, StopDecision } from '../run-record.js';
import { hyperbandStop } from './hyperband.js';
import { medianStop } from './median-stop.js';
import { patienceStop } from './patience-stop.js';
import type { StoppingRule } from './stopping-rule.js';

/** Every stopping rule by its `early_terminate.type`. */
export const STOPPING_RULES: { readonly [T in EarlyTerminateSpec['type']]: StoppingRule } = {
  hyperband: hyperbandStop,
  median: medianStop,
  patience: patienceStop,
};

export function stopRuns(config: SweepConfig, runs: readonly RunRecord[]): StopDecision[] {
  const type = config.early_terminate?.type;
  if (type === undefined || !config.metric) return [];
  const rule: StoppingRule | undefined = STOPPING_RULES[type];
  if (!rule) {
    throw new HypersweepError('CONFIG_INVALID', `early_terminate.type must be one of ${Object.keys(STOPPING_RULES).join(', ')} (got ${JSON.stringify(type)})`);
  }
  return rule(config, runs);
}
