/**
 * The fault suite's short profile (chaos/run-chaos.ts): two minutes of random partitions,
 * SIGKILLs, SIGSTOPs of agents and controllers, Redis restarts and skewed agent clocks, then the
 * checker. `npm run chaos -- --minutes 10` is the long run whose table is in the README.
 */
import { expect, test } from 'vitest';
import { formatReport, runChaos } from '../../chaos/run-chaos.js';

test('two minutes of faults: no overlap, nothing lost, nothing duplicated, every promise of the checker kept', async () => {
  const lines: string[] = [];
  const report = await runChaos({ minutes: Number(process.env.CHAOS_MINUTES ?? 2), seed: Number(process.env.CHAOS_SEED ?? 7), runsPerMinute: 35, log: (l) => lines.push(l) });
  console.log(formatReport(report));
  expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
  expect(report.runs).toBe(report.expectedRuns);
  expect(report).toMatchObject({ overlaps: 0, lost: 0, duplicated: 0 });
  expect(report.violations).toEqual([]);
}, 10 * 60_000);
