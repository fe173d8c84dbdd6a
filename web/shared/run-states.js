/**
 * The run states and the two questions asked of them everywhere: has a run ended (for good), and
 * which rows are its latest attempt's. One copy, a plain ES module: src/run-record.ts re-exports
 * it for the controller, the store and the CLI; the dashboard loads it as it is.
 */

/** Every run state. */
export const RUN_STATES = Object.freeze(['pending', 'running', 'finished', 'failed', 'crashed', 'stopped', 'canceled']);

/**
 * Runs in these states will never change again (Optuna's "finished trials never change").
 * `crashed` is final too: a run whose agent was lost is queued again as a new attempt while
 * execution.max_attempts allows (it is then `pending`, never `crashed`).
 */
export const FINAL_RUN_STATES = Object.freeze(['finished', 'failed', 'crashed', 'stopped', 'canceled']);

const FINAL = new Set(FINAL_RUN_STATES);

/** Whether a run in `state` has ended for good. */
export function isFinalRunState(state) {
  return state != null && FINAL.has(state);
}

/** The attempt that logged a history row (rows of attempt 2 and later carry `_attempt`). */
export function attemptOfRow(row) {
  const a = row?._attempt;
  return typeof a === 'number' ? a : 1;
}

/** The highest attempt among rows (1 when none carries `_attempt`). */
export function latestAttempt(rows) {
  let latest = 1;
  for (const r of rows) latest = Math.max(latest, attemptOfRow(r));
  return latest;
}

/** The rows an attempt logged. */
export function rowsOfAttempt(rows, attempt) {
  return rows.filter((r) => attemptOfRow(r) === attempt);
}
