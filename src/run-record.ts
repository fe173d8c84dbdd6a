/**
 * The run as the pure core sees it (design.md, "The pure core"). Search, stopping and scoring
 * take these records and nothing else; the store builds them from Redis.
 */
import type { Config } from './config/types.js';
import type { RunState } from 'hypersweep/web/shared/run-states.js';

/** The run states, the "run has ended" set and the latest attempt's rows: one copy, shared with the dashboard. */
export { attemptOfRow, FINAL_RUN_STATES, isFinalRunState, latestAttempt, RUN_STATES, rowsOfAttempt } from 'hypersweep/web/shared/run-states.js';
export type { FinalRunState, RunState } from 'hypersweep/web/shared/run-states.js';

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
