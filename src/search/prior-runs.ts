/**
 * The runs a search reads beside the ones proposed under the sweep's current space:
 * - warm start (`hypersweep sweep FILE --prior ID`): the finished runs of earlier sweeps whose
 *   configs lie in this sweep's space are observations, never run again and never counted
 *   against run_cap; a grid skips their points;
 * - an edited sweep (`hypersweep update`): its runs of earlier versions count when their configs
 *   fit the new space; a grid walks the new product skipping them, bayes learns from them.
 * Either way a config is read with the `default:` of parameters it lacks filled in
 * (space/config-defaults.ts); one that still does not fit (outside new bounds, a removed
 * parameter, an added one without a default) is left out. Pure.
 */
import type { ParameterSpace } from '../config/types.js';
import type { RunRecord } from '../run-record.js';
import { withDefaults } from '../space/config-defaults.js';
import { configOutsideSpace } from '../space/config-in-space.js';

/** `run` as the search reads it under `space` (defaults filled in), or undefined when its config does not fit. */
export function runUnderSpace(space: ParameterSpace, run: RunRecord): RunRecord | undefined {
  const config = withDefaults(space, run.config);
  if (configOutsideSpace(space, config) !== undefined) return undefined;
  return config === run.config ? run : { ...run, config };
}

/** The prior runs that count: finished, with a config inside `space` once defaults are filled in. */
export function priorObservations(space: ParameterSpace, runs: readonly RunRecord[]): RunRecord[] {
  const out: RunRecord[] = [];
  for (const run of runs) {
    const read = run.state === 'finished' ? runUnderSpace(space, run) : undefined;
    if (read) out.push(read);
  }
  return out;
}

/** A sweep's own run and the version of the sweep file it was proposed under. */
export interface VersionedRun {
  record: RunRecord;
  version: number;
}

/**
 * The sweep's own runs as the search reads them at `version`: runs of this version unchanged (an
 * enqueued config forced outside the space included), runs of earlier versions through
 * runUnderSpace, left out when they do not fit. In creation order.
 */
export function runsOfVersion(space: ParameterSpace, runs: Iterable<VersionedRun>, version: number): RunRecord[] {
  let memo = readConfigs.get(space);
  if (!memo) readConfigs.set(space, (memo = new WeakMap()));
  const out: RunRecord[] = [];
  for (const { record, version: v } of runs) {
    if (v === version) {
      out.push(record);
      continue;
    }
    let config = memo.get(record);
    if (config === undefined) memo.set(record, (config = runUnderSpace(space, record)?.config ?? null));
    if (config !== null) out.push(config === record.config ? record : { ...record, config });
  }
  return out;
}

/**
 * The leader asks at every round, and reading 10,000 earlier runs took 0.3-0.5 s: each record's
 * config as read under a space (null: it does not fit), computed once. A run's config never
 * changes and an edited sweep's space is a new object, so neither key goes stale; the state and
 * history are read from the record each time.
 */
const readConfigs = new WeakMap<ParameterSpace, WeakMap<RunRecord, RunRecord['config'] | null>>();

/** How many of `configs` do not fit `space` even with defaults filled in (runs an edited grid's budget is counted beside). */
export function configsOutsideSpace(space: ParameterSpace, configs: Iterable<RunRecord['config']>): number {
  let n = 0;
  for (const config of configs) if (configOutsideSpace(space, withDefaults(space, config)) !== undefined) n++;
  return n;
}
