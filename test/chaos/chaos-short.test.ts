/**
 * The fault suite's short profile (chaos/run-chaos.ts): as root (CI), the network-namespace
 * profile — Redis primary + replica + 3 sentinels, two controllers and three agents, each in its
 * own namespace — otherwise the one-host profile with TCP proxies. A primary failover and a
 * frozen agent host come first, then random partitions, SIGKILLs, SIGSTOPs, Redis restarts and
 * skewed agent clocks while the workload (about 70 runs) lasts, then the checker.
 * `npm run chaos -- --minutes 10` is the long run whose table is in the README.
 */
import { expect, test } from 'vitest';
import { netnsUnavailable } from '../../chaos/netns-lab.js';
import { formatReport, runChaos } from '../../chaos/run-chaos.js';

test('a short run of faults: no overlap, nothing lost, nothing duplicated, every promise of the checker kept', async () => {
  const lines: string[] = [];
  const report = await runChaos({
    minutes: Number(process.env.CHAOS_MINUTES ?? 2),
    seed: Number(process.env.CHAOS_SEED ?? 7),
    runsPerMinute: 35,
    firstFaults: ['primary-failover', 'host-freeze'],
    log: (l) => lines.push(l),
  });
  console.log([...lines, formatReport(report)].join('\n'));
  if (netnsUnavailable() === undefined) {
    expect(report.profile).toMatch(/^network namespaces/);
    expect(report.faults['primary-failover']).toBeGreaterThanOrEqual(1);
    expect(report.faults['host-freeze']).toBeGreaterThanOrEqual(1);
  }
  expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
  expect(report.runs).toBe(report.expectedRuns);
  expect(report).toMatchObject({ overlaps: 0, lost: 0, duplicated: 0 });
  expect(report.violations).toEqual([]);
}, 10 * 60_000);
