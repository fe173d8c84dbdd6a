/**
 * The contract every stopping rule keeps (src/stopping/stopping-rule.ts). A new rule is added by
 * writing it and adding one case here: a config and runs on which it stops at least one run.
 */
import { describe, expect, it } from 'vitest';
import type { EarlyTerminateSpec, SweepConfig } from '../../src/config/types.js';
import type { RunRecord } from '../../src/run-record.js';
import { hyperbandStop } from '../../src/stopping/hyperband.js';
import { medianStop } from '../../src/stopping/median-stop.js';
import { patienceStop } from '../../src/stopping/patience-stop.js';
import { STOPPING_RULES, stopRuns } from '../../src/stopping/stop-runs.js';
import type { StoppingRule } from '../../src/stopping/stopping-rule.js';
import { ids, run, sweep } from './fixtures.js';

interface Case {
  name: string;
  rule: StoppingRule;
  earlyTerminate: EarlyTerminateSpec;
}

const cases: Case[] = [
  { name: 'hyperband', rule: hyperbandStop, earlyTerminate: { type: 'hyperband', min_iter: 2, eta: 3, strict: true } },
  { name: 'hyperband (non-strict)', rule: hyperbandStop, earlyTerminate: { type: 'hyperband', max_iter: 9, s: 2, eta: 3, strict: false } },
  { name: 'median', rule: medianStop, earlyTerminate: { type: 'median', warmup_runs: 2, warmup_steps: 2 } },
  { name: 'patience', rule: patienceStop, earlyTerminate: { type: 'patience', patience: 2, min_delta: 0 } },
];

/** Good and bad runs in every state; the bad running ones should be stopped by any rule. */
function population(): RunRecord[] {
  return [
    run('good-finished', 'finished', [3, 2, 1, 0.5, 0.4, 0.3]),
    run('good-failed', 'failed', [3, 2, 1.1, 0.6]),
    run('bad-finished', 'finished', [9, 9, 9, 9, 9, 9]),
    run('bad-stopped', 'stopped', [9, 9, 9]),
    run('bad-crashed', 'crashed', [9, 9, 9, 9]),
    run('bad-canceled', 'canceled', [9, 9, 9]),
    run('pending', 'pending', []),
    run('good-running', 'running', [3, 2, 1, 0.5]),
    run('bad-running', 'running', [9, 9, 9, 9]),
    run('nan-running', 'running', [Number.NaN, Number.NaN, undefined]),
    run('young-running', 'running', [9]),
  ];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe.each(cases)('stopping rule contract: $name', ({ rule, earlyTerminate }) => {
  const config = (): SweepConfig => sweep(earlyTerminate);

  it('stops the bad running run (so the checks below are not vacuous)', () => {
    expect(ids(rule(config(), population()))).toContain('bad-running');
  });

  it('returns only running runs, in input order, at most once each', () => {
    const runs = population();
    const decided = ids(rule(config(), runs));
    const running = runs.filter((r) => r.state === 'running').map((r) => r.id);
    expect(decided.every((id) => running.includes(id))).toBe(true);
    expect(decided).toEqual(running.filter((id) => decided.includes(id)));
    expect(new Set(decided).size).toBe(decided.length);
    expect(decided).not.toContain('good-running');
    expect(decided).not.toContain('nan-running');
  });

  it('is pure: deterministic, never mutates its input, works on frozen input', () => {
    const runs = population();
    const before = structuredClone(runs);
    const first = rule(config(), deepFreeze(runs));
    expect(runs).toEqual(before);
    expect(rule(config(), population())).toEqual(first);
  });

  it('does not depend on the order of the runs', () => {
    const decided = rule(config(), population());
    const reversed = rule(config(), population().reverse());
    const byId = (a: { runId: string }, b: { runId: string }) => a.runId.localeCompare(b.runId);
    expect([...reversed].sort(byId)).toEqual([...decided].sort(byId));
  });

  it('decides nothing without a metric, without runs, or when early_terminate is another rule', () => {
    expect(rule(sweep(earlyTerminate, null), population())).toEqual([]);
    expect(rule(config(), [])).toEqual([]);
    expect(rule(sweep(undefined), population())).toEqual([]);
    const other = cases.find((c) => c.earlyTerminate.type !== earlyTerminate.type)!;
    expect(rule(sweep(other.earlyTerminate), population())).toEqual([]);
  });

  it('gives every decision a readable reason that names the metric and a number', () => {
    for (const d of rule(config(), population())) {
      expect(d.reason.trim()).not.toBe('');
      expect(d.reason).toContain('loss');
      expect(d.reason).toMatch(/\d/);
      expect(d.reason).not.toMatch(/NaN|undefined|Infinity/);
    }
  });

  it('is what stopRuns dispatches to', () => {
    expect(STOPPING_RULES[earlyTerminate.type]).toBe(rule);
    expect(stopRuns(config(), population())).toEqual(rule(config(), population()));
  });
});

describe('stopRuns', () => {
  it('returns [] without early_terminate or without a metric', () => {
    expect(stopRuns(sweep(undefined), population())).toEqual([]);
    expect(stopRuns(sweep(cases[0]!.earlyTerminate, null), population())).toEqual([]);
  });

  it('refuses an unknown early_terminate type with a config error', () => {
    const bad = sweep({ type: 'asha' } as unknown as EarlyTerminateSpec);
    expect(() => stopRuns(bad, population())).toThrow(/early_terminate.type must be one of hyperband, median, patience \(got "asha"\)/);
  });
});
