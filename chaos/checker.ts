/**
 * The fault suite's checker: reads the hosts' record files (one per agent, written by the
 * workload's scripts, outside hypersweep) and Redis after the faults, and counts every broken
 * promise. An overlap whose first execution's whole host was frozen when the second started,
 * and that lasted only until the host was thawed and killed its script, is the one overlap the
 * design allows (the frozen script's reports are fenced): it is counted apart, not a violation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RedisClient } from '../src/store/redis-client.js';
import { keys } from '../src/store/keys.js';
import { STEPS, type Workload } from './workload.js';

/** A host frozen whole (agent, its sentinel process and its scripts), in uptime seconds. */
export interface Freeze {
  host: string;
  from: number;
  to: number;
}

export interface CheckResult {
  runs: number;
  expectedRuns: number;
  executions: number;
  overlaps: number;
  /** Overlaps under a frozen host (allowed by the design; reported apart). */
  overlapsUnderFrozenHost: number;
  lost: number;
  duplicated: number;
  /** Runs whose script ran to its end once unrecorded (agent frozen or cut off past its lease at that moment) and was run again, never at the same time. */
  rerunAfterUnrecordedEnd: number;
}

export interface Execution {
  runId: string;
  attempt: number;
  host: string;
  start: number;
  last: number;
  ended: boolean;
  times: number[];
}

/** After a thaw, how long the frozen host's script may still write (its sentinel's kill, at load). */
const THAW_KILL_S = 3;
/** /proc/uptime's step, and the driver's read of it around a freeze. */
const SLACK_S = 0.05;

export function readExecutions(hostsDir: string): Map<string, Execution[]> {
  const executions = new Map<string, Execution>();
  for (const file of readdirSync(hostsDir)) {
    const host = file.replace(/\.log$/, '');
    for (const line of readFileSync(join(hostsDir, file), 'utf8').split('\n')) {
      const [runId, attempt, kind, t] = line.split(' ');
      if (!runId || !t) continue;
      const key = `${runId}#${attempt}#${host}`;
      const time = Number(t);
      const e = executions.get(key) ?? { runId, attempt: Number(attempt), host, start: time, last: time, ended: false, times: [] };
      e.start = Math.min(e.start, time);
      e.last = Math.max(e.last, time);
      e.times.push(time);
      if (kind === 'end') e.ended = true;
      executions.set(key, e);
    }
  }
  const byRun = new Map<string, Execution[]>();
  for (const e of executions.values()) byRun.set(e.runId, [...(byRun.get(e.runId) ?? []), e]);
  for (const list of byRun.values()) list.sort((a, b) => a.start - b.start);
  return byRun;
}

/** True when `prev` outlived `next`'s start only because its host was frozen: frozen before `next` started, and every record from then on written just after the thaw. */
export function underFrozenHost(prev: { host: string; times: number[] }, nextStart: number, freezes: Freeze[]): boolean {
  const late = prev.times.filter((t) => t >= nextStart);
  return freezes.some((f) => f.host === prev.host && f.from <= nextStart + SLACK_S && late.every((t) => t >= f.to - SLACK_S && t <= f.to + THAW_KILL_S));
}

export function countOverlaps(byRun: Map<string, Execution[]>, freezes: Freeze[], violations: string[], notes: string[]): { overlaps: number; frozen: number } {
  let overlaps = 0;
  let frozen = 0;
  for (const [runId, list] of byRun) {
    for (let i = 1; i < list.length; i++) {
      const next = list[i]!;
      const alive = list.slice(0, i).filter((p) => p.last >= next.start);
      if (alive.length === 0) continue;
      const real = alive.filter((p) => !underFrozenHost(p, next.start, freezes));
      const name = (p: Execution) => `attempt ${p.attempt} on ${p.host}`;
      if (real.length > 0) {
        overlaps++;
        violations.push(`run ${runId}: attempt ${next.attempt} on ${next.host} started while ${real.map(name).join(', ')} was alive`);
      } else {
        frozen++;
        notes.push(`run ${runId}: attempt ${next.attempt} on ${next.host} started while ${alive.map(name).join(', ')} was frozen with its host (killed ${(Math.max(...alive.map((p) => p.last)) - next.start).toFixed(2)} s later)`);
      }
    }
  }
  return { overlaps, frozen };
}

/**
 * Every run ends finished with its last attempt's points once and in order; no execution starts
 * after the one Redis records as finished (duplicated); the sweeps hold exactly their configs.
 */
async function checkRuns(c: RedisClient, byRun: Map<string, Execution[]>, w: Workload, violations: string[]): Promise<{ runs: number; lost: number; duplicated: number; rerun: number }> {
  let runs = 0;
  let lost = 0;
  let duplicated = 0;
  let rerun = 0;
  for (const sweepId of [w.grid, w.rand]) {
    const runIds = await c.zrange(keys.sweepRuns(sweepId), 0, -1);
    runs += runIds.length;
    const configs = new Set<string>();
    for (const runId of runIds) {
      const run = await c.hgetall(keys.run(sweepId, runId));
      configs.add(run.config ?? '');
      if (run.state !== 'finished') {
        lost++;
        violations.push(`run ${runId}: ${run.state} (${run.message ?? ''}), not finished`);
        continue;
      }
      const rows = (await c.lrange(keys.runHistory(sweepId, runId), 0, -1)).map((r) => JSON.parse(r) as { _step: number; _attempt?: number });
      const steps = rows.filter((r) => (r._attempt ?? 1) === Number(run.attempt)).map((r) => r._step);
      if (JSON.stringify(steps) !== JSON.stringify(Array.from({ length: STEPS }, (_, i) => i))) violations.push(`run ${runId}: last attempt's points ${JSON.stringify(steps)}`);
      const list = byRun.get(runId) ?? [];
      const final = list.find((e) => e.ended && e.attempt === Number(run.attempt));
      if (!final) violations.push(`run ${runId}: finished in Redis but no execution of attempt ${run.attempt} ran to its end`);
      else if (list.some((e) => e !== final && e.start >= final.start)) {
        duplicated++;
        violations.push(`run ${runId} ran again after it finished`);
      }
      rerun += list.some((e) => e.ended && e !== final) ? 1 : 0;
    }
    const expected = sweepId === w.grid ? w.gridSize : w.runCap;
    if (runIds.length !== expected || configs.size !== expected) violations.push(`sweep ${sweepId}: ${runIds.length} runs, ${configs.size} configs (expected ${expected})`);
  }
  return { runs, lost, duplicated, rerun };
}

export async function check(c: RedisClient, hostsDir: string, w: Workload, freezes: Freeze[], violations: string[], notes: string[]): Promise<CheckResult> {
  const byRun = readExecutions(hostsDir);
  const { overlaps, frozen } = countOverlaps(byRun, freezes, violations, notes);
  const { runs, lost, duplicated, rerun } = await checkRuns(c, byRun, w, violations);
  const executions = [...byRun.values()].reduce((n, l) => n + l.length, 0);
  return { runs, expectedRuns: w.gridSize + w.runCap, executions, overlaps, overlapsUnderFrozenHost: frozen, lost, duplicated, rerunAfterUnrecordedEnd: rerun };
}
