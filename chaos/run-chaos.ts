/**
 * The fault suite (issue 12): `npm run chaos -- --minutes N [--seed S] [--profile netns|one-host]`.
 *
 * Two controllers, three agents and Redis; a grid sweep (two agents) and a random sweep (one
 * agent) of short scripts that append start / beat / end records to one file per agent host,
 * outside hypersweep (chaos/workload.ts). For N minutes, at random, one fault after another,
 * each healed before the next (the profile's list, chaos/netns-profile.ts or chaos/one-host.ts).
 * Then everything heals, the sweeps must finish, the agents exit, and the checker
 * (chaos/checker.ts) reads the files and Redis and asserts: no two executions of one run
 * overlap (except under a frozen host, counted apart); every run ends finished; no run that
 * finished runs again; the grid ends with exactly its configs; each finished run's metric points
 * (last attempt) are stored once, in order; the sweeps finish; the agents exit 0. It prints a
 * table and a JSON line.
 *
 * Profiles: as root with `ip` and redis-sentinel, the hosts are network namespaces
 * (chaos/netns-profile.ts); otherwise the one-host profile with TCP proxies runs, and says why.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { keys } from '../src/store/keys.js';
import { check, type CheckResult } from './checker.js';
import { netnsUnavailable, removeStaleLabs } from './netns-lab.js';
import { startNetns } from './netns-profile.js';
import { startOneHost } from './one-host.js';
import { sleep } from './processes.js';
import type { Testbed } from './testbed.js';
import { seededRandom } from 'hypersweep/web/shared/seeded-random.js';
import { createWorkload, SCRIPT, waitForApi, type Workload } from './workload.js';

export interface ChaosOptions {
  /** How long faults are injected. */
  minutes: number;
  /** @defaultValue 1 */
  seed?: number;
  /** Runs per minute of faults the workload has (grid 9/13 of them, random the rest): about what six slots do here. @defaultValue the profile's: 40 with network namespaces, 65 on one host */
  runsPerMinute?: number;
  /** 'netns' needs root (else it falls back, and says so); 'one-host' runs anywhere. @defaultValue 'netns' */
  profile?: 'netns' | 'one-host';
  /** Faults injected first, in this order (those the profile knows), before the random ones: the short profile makes sure of its rarer faults. */
  firstFaults?: string[];
  /**
   * The agents' `--lease-ms`. @defaultValue 6000 with network namespaces (every renewal also
   * WAITs for the replica, and a 3 s lease lost most renewals at load 40 on two cores), else 3000
   */
  leaseMs?: number;
  /** Progress lines. @defaultValue console.error */
  log?: (line: string) => void;
}

export interface ChaosReport extends CheckResult {
  profile: string;
  seconds: number;
  faults: Record<string, number>;
  /** Every broken promise, in words. */
  violations: string[];
  /** Overlaps under a frozen host, in words (allowed by the design). */
  notes: string[];
}

const since = (t0: number, t = Date.now()) => `${((t - t0) / 1000).toFixed(0)} s`;

async function startTestbed(options: ChaosOptions, dir: string, hostsDir: string, log: (l: string) => void): Promise<Testbed> {
  if (options.profile !== 'one-host') {
    const why = netnsUnavailable();
    if (!why) {
      const stale = removeStaleLabs();
      if (stale > 0) log(`chaos: removed ${stale} lab(s) left by earlier runs`);
      try {
        return await startNetns(dir, hostsDir, log, options.leaseMs ?? 6000);
      } catch (err) {
        log(`chaos: the network-namespace profile could not start (${(err as Error).message}): running the one-host profile`);
        return await startOneHost(dir, hostsDir, options.leaseMs ?? 3000);
      }
    }
    log(`chaos: ${why}: running the one-host profile (TCP proxies) instead of network namespaces`);
  }
  return await startOneHost(dir, hostsDir, options.leaseMs ?? 3000);
}

/** Faults at random until the time is up or both sweeps finished; each one heals before the next. */
async function injectFaults(bed: Testbed, w: Workload, options: ChaosOptions, log: (l: string) => void, t0: number): Promise<Record<string, number>> {
  const random = seededRandom(options.seed ?? 1);
  const faults: Record<string, number> = Object.fromEntries(bed.faults.map((f) => [f, 0]));
  const until = Date.now() + options.minutes * 60_000;
  const first = (options.firstFaults ?? []).filter((f) => bed.faults.includes(f));
  while (Date.now() < until) {
    await sleep(1500 + random() * 2500);
    const states = await Promise.all([w.grid, w.rand].map((id) => bed.redis.hget(keys.sweep(id), 'state')));
    if (states.every((s) => s === 'finished')) break;
    const fault = first.shift() ?? bed.faults[Math.floor(random() * bed.faults.length)]!;
    faults[fault]!++;
    const started = Date.now();
    const what = await bed.inject(fault, random);
    log(`chaos: ${since(t0, started)}: ${fault} ${what}`);
  }
  return faults;
}

async function waitForSweeps(bed: Testbed, w: Workload, timeoutMs: number, violations: string[]): Promise<void> {
  const finishBy = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all([w.grid, w.rand].map((id) => bed.redis.hget(keys.sweep(id), 'state')));
    if (states.every((s) => s === 'finished')) return;
    if (Date.now() > finishBy) {
      const counts = await Promise.all([w.grid, w.rand].map((id) => bed.redis.hgetall(keys.sweepCounts(id))));
      violations.push(`sweeps not finished ${timeoutMs / 60_000} minutes after the faults: ${states.join(', ')} ${JSON.stringify(counts)}`);
      return;
    }
    await sleep(300);
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? ((l: string) => console.error(l));
  const t0 = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'hs-chaos-'));
  const hostsDir = join(dir, 'hosts');
  mkdirSync(hostsDir);
  const program = join(dir, 'train.py');
  writeFileSync(program, SCRIPT);
  // Also on process.exit (the namespace profile's SIGINT/SIGTERM handler exits after removing its lab).
  const removeDir = () => (process.env.CHAOS_KEEP ? undefined : rmSync(dir, { recursive: true, force: true }));
  process.on('exit', removeDir);
  let bed: Testbed | undefined;
  try {
    bed = await startTestbed(options, dir, hostsDir, log);
    log(`chaos: ${since(t0)}: profile ${bed.profile}; faults: ${bed.faults.join(', ')}`);
    await waitForApi(bed.api, 180_000);
    log(`chaos: ${since(t0)}: API up`);
    const w = await createWorkload(bed.api, bed.headers, program, options.minutes, options.runsPerMinute ?? bed.runsPerMinute);
    await bed.startAgents([w.grid, w.grid, w.rand]);
    const faults = await injectFaults(bed, w, options, log, t0);
    log(`chaos: ${since(t0)}: faults over; waiting for the sweeps to finish`);
    await bed.healAll();
    const violations: string[] = [];
    const notes: string[] = [];
    await waitForSweeps(bed, w, Math.max(240_000, options.minutes * 60_000), violations);
    log(`chaos: ${since(t0)}: sweeps over; checking`);
    violations.push(...(await bed.agentsExited(30_000)));
    const result = await check(bed.redis, hostsDir, w, bed.freezes, violations, notes);
    return { profile: bed.profile, seconds: Math.round((Date.now() - t0) / 1000), faults, ...result, violations, notes };
  } finally {
    await bed?.close();
    process.off('exit', removeDir);
    removeDir();
    if (process.env.CHAOS_KEEP) log(`chaos: files kept in ${dir}`);
  }
}

/** The table a person reads, then one JSON line. */
export function formatReport(r: ChaosReport): string {
  const rows: Array<[string, string]> = [
    ['profile', r.profile],
    ['duration', `${r.seconds} s`],
    ...Object.entries(r.faults).map(([f, n]): [string, string] => [`faults: ${f}`, String(n)]),
    ['runs (expected)', `${r.runs} (${r.expectedRuns})`],
    ['executions', String(r.executions)],
    ['overlaps', String(r.overlaps)],
    ['overlaps under a frozen host (allowed)', String(r.overlapsUnderFrozenHost)],
    ['lost', String(r.lost)],
    ['duplicated', String(r.duplicated)],
    ['re-run after an unrecorded end', String(r.rerunAfterUnrecordedEnd)],
    ['violations', String(r.violations.length)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return [...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`), ...r.notes.map((n) => `  ~ ${n}`), ...r.violations.map((v) => `  ! ${v}`), JSON.stringify(r)].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: number, max = 24 * 60) => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const n = Number(args[i + 1]);
    if (!Number.isFinite(n) || n <= 0 || n > max) {
      console.error(`${name} must be a number in (0, ${max}] (got ${JSON.stringify(args[i + 1])})`);
      process.exit(2);
    }
    return n;
  };
  const p = args.indexOf('--profile');
  const profile = p < 0 ? 'netns' : args[p + 1];
  if (profile !== 'netns' && profile !== 'one-host') {
    console.error(`--profile is netns or one-host (got ${JSON.stringify(profile)})`);
    process.exit(2);
  }
  const lease = args.includes('--lease-ms') ? { leaseMs: value('--lease-ms', 0, 600_000) } : {};
  const report = await runChaos({ minutes: value('--minutes', 10), seed: value('--seed', 1), profile, ...lease });
  console.log(formatReport(report));
  process.exit(report.violations.length === 0 ? 0 : 1);
}
