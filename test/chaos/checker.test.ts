/**
 * The fault suite's checker on hand-written host files: an overlap is a violation unless the
 * first execution's whole host was frozen when the second started and its script wrote only
 * just after the thaw; then it is counted apart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { countOverlaps, readExecutions, underFrozenHost, type Freeze } from '../../chaos/checker.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function overlaps(files: Record<string, string[]>, freezes: Freeze[]) {
  dir = mkdtempSync(join(tmpdir(), 'hs-checker-'));
  for (const [host, lines] of Object.entries(files)) writeFileSync(join(dir, `${host}.log`), lines.join('\n') + '\n');
  const violations: string[] = [];
  const notes: string[] = [];
  const counts = countOverlaps(readExecutions(dir), freezes, violations, notes);
  return { ...counts, violations, notes };
}

// Attempt 1 on agent0 beats at 100..102, then (host frozen 102.5..110) once more at 110.2 and is
// killed; attempt 2 starts on agent1 at 107.
const A1 = ['r1 1 start 100.00', 'r1 1 beat 101.00', 'r1 1 beat 102.00', 'r1 1 beat 110.20'];
const A2 = ['r1 2 start 107.00', 'r1 2 beat 108.00', 'r1 2 end 112.00'];

test('executions that follow each other are no overlap', () => {
  const r = overlaps({ agent0: A1.slice(0, 3), agent1: A2 }, []);
  expect(r).toMatchObject({ overlaps: 0, frozen: 0, violations: [] });
});

test('an overlap with no freeze is a violation', () => {
  const r = overlaps({ agent0: A1, agent1: A2 }, []);
  expect(r.overlaps).toBe(1);
  expect(r.violations[0]).toMatch(/run r1: attempt 2 on agent1 started while attempt 1 on agent0 was alive/);
});

test('the same overlap under a frozen host is counted apart', () => {
  const r = overlaps({ agent0: A1, agent1: A2 }, [{ host: 'agent0', from: 102.5, to: 110.0 }]);
  expect(r).toMatchObject({ overlaps: 0, frozen: 1, violations: [] });
  expect(r.notes[0]).toMatch(/frozen with its host/);
});

test('a freeze of another host, a freeze that began after the second start, or a slow kill after the thaw excuse nothing', () => {
  expect(overlaps({ agent0: A1, agent1: A2 }, [{ host: 'agent1', from: 102.5, to: 110.0 }]).overlaps).toBe(1);
  expect(overlaps({ agent0: A1, agent1: A2 }, [{ host: 'agent0', from: 107.5, to: 110.0 }]).overlaps).toBe(1);
  const slow = [...A1, 'r1 1 beat 114.00'];
  expect(overlaps({ agent0: slow, agent1: A2 }, [{ host: 'agent0', from: 102.5, to: 110.0 }]).overlaps).toBe(1);
});

test('underFrozenHost wants every late record just after the thaw', () => {
  const f: Freeze[] = [{ host: 'h', from: 10, to: 20 }];
  expect(underFrozenHost({ host: 'h', times: [9, 20.5] }, 15, f)).toBe(true);
  expect(underFrozenHost({ host: 'h', times: [9, 16] }, 15, f)).toBe(false);
  expect(underFrozenHost({ host: 'h', times: [9, 24] }, 15, f)).toBe(false);
});
