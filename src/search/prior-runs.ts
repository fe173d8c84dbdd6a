/**
 * Warm start (`hypersweep sweep FILE --prior ID`): the finished runs of earlier sweeps whose
 * configs lie in this sweep's space are observations for the search. They are handed to
 * nextRuns beside the sweep's own runs, never run again and never counted against run_cap;
 * a grid skips their points. Pure.
 */
import type { ParameterSpace } from '../config/types.js';
import type { RunRecord } from '../run-record.js';
import { configOutsideSpace } from '../space/config-in-space.js';

/** The prior runs that count: finished, with a config inside `space`. */
export function priorObservations(space: ParameterSpace, runs: readonly RunRecord[]): RunRecord[] {
  return runs.filter((run) => run.state === 'finished' && configOutsideSpace(space, run.config) === undefined);
}
