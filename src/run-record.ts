/**
 * The run as the pure core sees it (design.md, "The pure core"). Search, stopping and scoring
 * take these records and nothing else; the store builds them from Redis.
 */
import type { Config } from './config/types.js';

export const RUN_STATES = ['pending', 'running', 'finished', 'failed', 'crashed', 'stopped', 'canceled'] as const;
export type RunState = (typeof RUN_STATES)[number];

/**
 * The one "run has ended" set: runs in these states will never change again (Optuna's
 * "finished trials never change"). `crashed` is final too: a run whose agent was lost is queued
 * again as a new attempt while execution.max_attempts allows (it is then `pending`, never
 * `crashed`); a crashed run has used up its attempts, or its sweep had ended.
 */
export const FINAL_RUN_STATES = ['finished', 'failed', 'crashed', 'stopped', 'canceled'] as const satisfies readonly RunState[];
export type FinalRunState = (typeof FINAL_RUN_STATES)[number];

const FINAL = new Set<string>(FINAL_RUN_STATES);

/** Whether a run in `state` has ended for good. */
export function isFinalRunState(state: string | null | undefined): state is FinalRunState {
  return state != null && FINAL.has(state);
}

/** One row of a run's history: the x-axis `_step` and the metrics logged at that step. */
export interface HistoryRow {
  _step: number;
  [metric: string]: number;
}

export interface RunRecord {
  id: string;
  state: RunState;
  /** Plain values; nested parameters are nested objects. */
  config: Config;
  /** In the order logged. */
  history: HistoryRow[];
  /** Final values a run reported (W&B's run summary); optional. */
  summary?: Record<string, number>;
}

/**
 * The rows an attempt logged. A run's history keeps every attempt's rows; rows of attempt 2 and
 * later carry `_attempt` (rows without it are attempt 1).
 */
export function rowsOfAttempt<T extends object>(rows: readonly T[], attempt: number): T[] {
  return rows.filter((r) => attemptOfRow(r) === attempt);
}

/** The attempt that logged a row. */
export function attemptOfRow(row: object): number {
  const a = (row as { _attempt?: unknown })._attempt;
  return typeof a === 'number' ? a : 1;
}

/** The highest attempt among rows (1 when none carries `_attempt`): "the latest attempt's points". */
export function latestAttempt(rows: readonly object[]): number {
  let latest = 1;
  for (const r of rows) latest = Math.max(latest, attemptOfRow(r));
  return latest;
}

/** A config the search method produced, not yet a run. */
export interface Proposal {
  config: Config;
  /** Short and human: `grid 7/24`, `random`, `bayes: EI 0.031 after 14 runs`. */
  reason: string;
}

/** A running run that a stopping rule says to stop now, and why. */
export interface StopDecision {
  runId: string;
  /** e.g. `bracket 9: val_loss 0.41 worse than threshold 0.37 (top 1/3 of 12 runs)` */
  reason: string;
}
