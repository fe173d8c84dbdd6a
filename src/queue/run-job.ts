/**
 * The BullMQ side of a run: one queue per sweep, one job per attempt. The job id is derived
 * from the run id, and the run id from the sweep id and the config hash
 * (src/space/config-hash.ts), so adding the same attempt twice is a no-op.
 */
import type { Config, ExecutionSpec } from '../config/types.js';
import { KEY_PREFIX, sweepTag } from '../store/keys.js';

/** BullMQ `prefix` option for every Queue and Worker hypersweep makes. */
export const QUEUE_PREFIX = `${KEY_PREFIX}:bull`;

/**
 * The queue holding a sweep's runs. Its name carries the sweep's hash tag, so every BullMQ key of
 * the queue (`hs:bull:runs-{<sweepId>}:*`) sits on the cluster slot of the sweep's own keys
 * (src/store/keys.ts); BullMQ's scripts need all of a queue's keys on one slot.
 */
export function runQueueName(sweepId: string): string {
  return `runs-${sweepTag(sweepId)}`;
}

/** The job id of one attempt of a run (BullMQ ids must not contain `:`). */
export function runJobId(runId: string, attempt: number): string {
  return `${runId}-${attempt}`;
}

/** Everything an agent needs to execute one attempt. */
export interface RunJob {
  sweepId: string;
  runId: string;
  /** 1 for the first try; a run re-queued after a lost agent gets attempt + 1. */
  attempt: number;
  /** Fencing token of this attempt; reports carrying another token are refused. */
  token: string;
  config: Config;
  /** Paths of `config`'s integral numbers that W&B passes as floats (`1.0`; src/space/float-paths.ts); unset when none. */
  floats?: string[][];
  /** The sweep's argv template (W&B macros); undefined → `${env} ${interpreter} ${program} ${args}`. */
  command?: string[];
  program?: string;
  /** The metric the sweep optimises, for stdout capture and display. */
  metricName?: string;
  execution: ExecutionSpec;
}
