import { expect, test } from 'vitest';
import { killMarginMs, LeaseDeadline, monotonicMs, renewEveryMs } from '../../worker/lease-deadline.js';

test('the deadline is lease − margin after the claim was sent, and moves only with confirmed renewals counted from their send time', () => {
  const d = new LeaseDeadline(6000, 1000);
  expect(killMarginMs(6000)).toBe(1200);
  expect(d.deadline).toBe(1000 + 6000 - 1200);
  // A renewal sent at 2500 and confirmed at 4000 (a slow reply): deadline from 2500, not 4000.
  expect(d.confirm(2500, 4000)).toBe(true);
  expect(d.deadline).toBe(2500 + 4800);
  // An older renewal confirmed late never moves the deadline back.
  expect(d.confirm(2000, 4100)).toBe(true);
  expect(d.deadline).toBe(7300);
  expect(d.expired(7299)).toBe(false);
});

test('once passed, the deadline stays passed: a late confirmation does not revive the attempt', () => {
  const d = new LeaseDeadline(6000, 0);
  expect(d.expired(4800)).toBe(true);
  expect(d.confirm(4700, 4801)).toBe(false);
  expect(d.expired(0)).toBe(true);
});

test('two renewals may be lost before the deadline; the monotonic clock does not go back', () => {
  for (const lease of [900, 6000, 15_000]) {
    const every = renewEveryMs(lease);
    expect(2 * every).toBeLessThan(lease - killMarginMs(lease));
  }
  const a = monotonicMs();
  const b = monotonicMs();
  expect(b).toBeGreaterThanOrEqual(a);
});
