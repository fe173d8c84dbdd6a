/** Types of web/shared/run-states.js (a plain ES module the dashboard loads as is). */
export const RUN_STATES: readonly ['pending', 'running', 'finished', 'failed', 'crashed', 'stopped', 'canceled'];
export type RunState = (typeof RUN_STATES)[number];
export const FINAL_RUN_STATES: readonly ['finished', 'failed', 'crashed', 'stopped', 'canceled'];
export type FinalRunState = (typeof FINAL_RUN_STATES)[number];
export function isFinalRunState(state: string | null | undefined): state is FinalRunState;
export function attemptOfRow(row: object): number;
export function latestAttempt(rows: readonly object[]): number;
export function rowsOfAttempt<T extends object>(rows: readonly T[], attempt: number): T[];
