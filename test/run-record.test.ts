import { expect, test } from 'vitest';
import { attemptOfRow, FINAL_RUN_STATES, isFinalRunState, latestAttempt, RUN_STATES, rowsOfAttempt, type HistoryRow } from '../src/run-record.js';

test('the one "run has ended" set: every state but pending and running, crashed included', () => {
  expect([...FINAL_RUN_STATES].sort()).toEqual(RUN_STATES.filter((s) => s !== 'pending' && s !== 'running').sort());
  expect(isFinalRunState('crashed')).toBe(true);
  expect(isFinalRunState('running')).toBe(false);
  expect(isFinalRunState('pending')).toBe(false);
  expect(isFinalRunState(null)).toBe(false);
  expect(isFinalRunState('cancelled')).toBe(false);
});

test("the latest attempt's points: rows without _attempt are attempt 1; the highest attempt wins", () => {
  const rows: HistoryRow[] = [{ _step: 0, loss: 3 }, { _step: 1, loss: 2 }, { _step: 0, loss: 5, _attempt: 2 }, { _step: 0, loss: 4, _attempt: 3 }, { _step: 1, loss: 1, _attempt: 3 }];
  expect(attemptOfRow(rows[0]!)).toBe(1);
  expect(latestAttempt(rows)).toBe(3);
  expect(latestAttempt([])).toBe(1);
  expect(rowsOfAttempt(rows, latestAttempt(rows)).map((r) => r.loss)).toEqual([4, 1]);
  expect(rowsOfAttempt(rows, 1).map((r) => r.loss)).toEqual([3, 2]);
});
