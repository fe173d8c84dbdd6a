/**
 * How an attempt ended, from why the agent ended it (if it did) and how the script exited.
 * Pure: the one place outcomes and their human words are decided.
 */
import type { AttemptOutcome } from '../src/store/run-events.js';
import type { GroupExit } from './process-group.js';

/** Why the agent ended a script; the first reason wins, except that `cancel`/`lost` escalate. */
export type KillReason = 'stop' | 'cancel' | 'preempt' | 'timeout' | 'lost';

export const OUTCOME_OF: Record<KillReason, AttemptOutcome> = { stop: 'stopped', cancel: 'canceled', preempt: 'preempted', timeout: 'timeout', lost: 'lost' };

export interface AttemptResult {
  outcome: AttemptOutcome;
  exitCode: number | null;
  signal: string | null;
  message?: string;
  /** Ms from entering run() to the child's spawn (benchmarks). */
  startLatencyMs?: number;
  /** Wall-clock ms (sub-ms precision) at which the agent saw the child exit (benchmarks). */
  exitedAt?: number;
}

/**
 * The outcome of a script that ran and exited. A script that exited 0 by itself finished, even if
 * its lease was lost meanwhile (an agent frozen past the script's end wakes up to both at once):
 * reporting it `lost` would have a finished run run again; its `finished` counts if its token is
 * still the run's, and is refused as stale otherwise.
 */
export function exitOutcome(reason: KillReason | undefined, exit: GroupExit, timeoutSec: number | undefined): AttemptResult {
  if (reason === 'lost' && exit.code === 0 && exit.signal === null) reason = undefined;
  const outcome: AttemptOutcome = reason ? OUTCOME_OF[reason] : exit.code === 0 ? 'finished' : 'failed';
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  const why = { timeout: `timed out after ${timeoutSec} s`, lost: 'lease lost', stop: 'stopped', cancel: 'canceled', preempt: 'preempted' };
  const message = reason ? `${why[reason]}; ${how}` : exit.code === 0 ? undefined : how;
  return { outcome, exitCode: exit.code, signal: exit.signal, message };
}

/** A stop, cancel, preempt or lost lease came before the script started: it never runs. */
export function notStartedOutcome(reason: KillReason): AttemptResult {
  return { outcome: OUTCOME_OF[reason], exitCode: null, signal: null, message: `not started: ${reason} requested first` };
}

/** The command could not be built or started. */
export function errorOutcome(message: string): AttemptResult {
  return { outcome: 'error', exitCode: null, signal: null, message };
}
