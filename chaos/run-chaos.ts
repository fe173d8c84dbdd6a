/**
 * The fault suite (issue 12): `npm run chaos -- --minutes N [--seed S]`.
 *
 * One-host profile: a redis-server (appendfsync always), two controllers (`hypersweep server`),
 * three agents (`hypersweep agent`), each agent talking to Redis through its own TCP proxy
 * (test/helpers/tcp-proxy.ts) so it can be cut off with its connections left open. Workload: a
 * grid sweep (two agents) and a random sweep (one agent) of short Python scripts that append
 * start / beat / end records (CLOCK_MONOTONIC) to one append-only file per agent, outside
 * hypersweep. For N minutes, at random: partition an agent, SIGKILL an agent (started again),
 * SIGSTOP/SIGCONT an agent or a controller, SIGKILL a controller (started again), restart Redis,
 * restart an agent with its wall clock 20 s off (Debian's faketime). Then everything heals, the
 * sweeps must finish, and a checker reads the files and Redis and asserts: no two executions of
 * one run overlap; every run ends in one terminal state; no run that finished runs again; the
 * grid ends with exactly its N configs; each finished run's metric points (last attempt) are
 * stored once, in order; the sweeps finish; the agents exit. It prints a table and a JSON line.
 *
 * Not built yet: the network-namespace profile (hosts as `ip netns` with veth pairs on a bridge
 * of their own, Redis primary + replica + 3 sentinels, failover faults). It runs the one-host
 * profile everywhere and says so. Sentinel failover is tested in test/worker/sentinel-failover.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { freePort, startPrivateRedis, type PrivateRedis } from '../src/local/private-redis.js';
import { keys } from '../src/store/keys.js';
import { startTcpProxy, type TcpProxy } from '../test/helpers/tcp-proxy.js';

const REPO = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
const MAIN = join(REPO, 'src/cli/main.ts');

export interface ChaosOptions {
  /** How long faults are injected. */
  minutes: number;
  /** @defaultValue 1 */
  seed?: number;
  /** Runs per minute of faults the workload has (grid 9/13 of them, random the rest): about what six slots do here. @defaultValue 65 */
  runsPerMinute?: number;
  /** Progress lines. @defaultValue console.error */
  log?: (line: string) => void;
}

export interface ChaosReport {
  profile: string;
  seconds: number;
  faults: Record<string, number>;
  runs: number;
  /** Runs the two sweeps must end with (grid size + run_cap). */
  expectedRuns: number;
  executions: number;
  overlaps: number;
  lost: number;
  duplicated: number;
  /** Runs whose script ran to its end once unrecorded (agent frozen or cut off past its lease at that moment) and was run again, never at the same time. */
  rerunAfterUnrecordedEnd: number;
  /** Every broken promise, in words. */
  violations: string[];
}

const FAULTS = ['partition', 'agent-sigkill', 'agent-sigstop', 'controller-sigstop', 'controller-sigkill', 'redis-restart', 'clock-skew'] as const;
type Fault = (typeof FAULTS)[number];

const STEPS = 5;
// Records carry the host's uptime from /proc/uptime (10 ms steps): a file read, so faketime
// (which skews an agent's clocks and, through LD_PRELOAD, its scripts') cannot move it.
const SCRIPT = `
import json, os, time
f = open(os.environ["CHAOS_HOST_FILE"], "a", buffering=1)
run, att = os.environ["HYPERSWEEP_RUN_ID"], os.environ["HYPERSWEEP_ATTEMPT"]
def now(): return float(open("/proc/uptime").read().split()[0])
def rec(kind): f.write("%s %s %s %.2f\\n" % (run, att, kind, now()))
cfg = json.load(open(os.environ["HYPERSWEEP_PARAMS_FILE"]))
rec("start")
for step in range(${STEPS}):
    time.sleep(1.0)
    rec("beat")
    print("@hypersweep " + json.dumps({"_step": step, "loss": float(cfg["x"]) / (step + 1)}), flush=True)
rec("end")
`;

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Proc {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
  stopped: boolean;
}

function start(name: string, argv: string[], env: NodeJS.ProcessEnv, logFile: string, wrapper: string[] = []): Proc {
  const [bin, ...rest] = [...wrapper, process.execPath, '--import', TSX, MAIN, ...argv];
  const proc = spawn(bin!, rest, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const write = (d: Buffer) => appendFileSync(logFile, d);
  proc.stdout!.on('data', write);
  proc.stderr!.on('data', write);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { name, proc, exited, stopped: false };
}

function signal(p: Proc, sig: NodeJS.Signals): void {
  try {
    p.proc.kill(sig);
  } catch {
    // gone
  }
}

async function kill(p: Proc): Promise<void> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  signal(p, 'SIGCONT');
  signal(p, 'SIGKILL');
  await p.exited;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? ((l: string) => console.error(l));
  const random = rng(options.seed ?? 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const t0 = Date.now();
  const isRoot = process.getuid?.() === 0;
  const profile = 'one-host (TCP proxies)';
  log(`chaos: ${isRoot ? 'root, but the network-namespace profile is not built yet' : 'not root (network namespaces need root)'}: running the ${profile} profile`);
  const dir = mkdtempSync(join(tmpdir(), 'hs-chaos-'));
  const hostsDir = join(dir, 'hosts');
  mkdirSync(hostsDir);
  const program = join(dir, 'train.py');
  writeFileSync(program, SCRIPT);
  const faults: Record<string, number> = Object.fromEntries(FAULTS.map((f) => [f, 0]));
  const violations: string[] = [];
  let redis: PrivateRedis | undefined;
  let c: Redis | undefined;
  const proxies: TcpProxy[] = [];
  const controllers: Proc[] = [];
  const agents: Array<{ proc: Proc; sweepId: string; index: number; proxy: TcpProxy }> = [];
  try {
    redis = await startPrivateRedis({ dir: join(dir, 'redis'), appendfsync: 'always' });
    c = new Redis(redis.url, { maxRetriesPerRequest: null });
    c.on('error', () => undefined);
    const ports = [await freePort(), await freePort()];
    const startController = (i: number) =>
      start(`controller${i}`, ['server', '--port', String(ports[i]), '--redis', redis!.url, '--leader-ttl-ms', '2000', '--lease-check-ms', '300', '--requeue-margin-ms', '1000', '--poll-ms', '100'], {}, join(dir, `controller${i}.log`));
    for (let i = 0; i < 2; i++) controllers.push(startController(i));
    const api = `http://127.0.0.1:${ports[0]}`;
    const deadlineUp = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${api}/healthz`)).ok) break;
      } catch {
        // starting
      }
      if (Date.now() > deadlineUp) throw new Error('the controller did not start');
      await sleep(100);
    }
    const create = async (yaml: string) => {
      const res = await fetch(`${api}/api/sweeps`, { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } });
      if (res.status !== 201) throw new Error(`sweep not created: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    // About as much work as six slots do in the fault window, so faults hit running runs throughout.
    const perMinute = options.runsPerMinute ?? 65;
    const gridSize = Math.max(8, Math.round(((perMinute * 9) / 13) * options.minutes));
    const runCap = Math.max(4, Math.round(((perMinute * 4) / 13) * options.minutes));
    const common = `metric: {name: loss, goal: minimize}\nprogram: ${program}\nhypersweep: {max_attempts: 50}\n`;
    const grid = await create(`method: grid\n${common}parameters:\n  x: {values: [${Array.from({ length: gridSize }, (_, i) => i + 1).join(', ')}]}\n`);
    const rand = await create(`method: random\nrun_cap: ${runCap}\n${common}parameters:\n  x: {min: 1.0, max: 10.0}\n`);
    const plan = [grid, grid, rand];
    const startAgent = (index: number, proxy: TcpProxy, wrapper: string[] = []) =>
      start(`agent${index}`, ['agent', plan[index]!, '--redis', proxy.url, '--slots', '2', '--lease-ms', '3000', '--grace-sec', '1'], { CHAOS_HOST_FILE: join(hostsDir, `agent${index}.log`) }, join(dir, `agent${index}.log`), wrapper);
    for (let i = 0; i < plan.length; i++) {
      const proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
      proxies.push(proxy);
      agents.push({ proc: startAgent(i, proxy), sweepId: plan[i]!, index: i, proxy });
    }

    // Faults, at random, until the time is up; each one heals before the next.
    const faultUntil = Date.now() + options.minutes * 60_000;
    while (Date.now() < faultUntil) {
      await sleep(1500 + random() * 2500);
      const settled = await c.hmget(keys.sweep(grid), 'state').then(([s]) => s === 'finished');
      if (settled && (await c.hget(keys.sweep(rand), 'state')) === 'finished') break;
      const fault: Fault = pick(FAULTS);
      const a = pick(agents);
      const hold = 1500 + random() * 5500;
      faults[fault]!++;
      log(`chaos: ${((Date.now() - t0) / 1000).toFixed(0)} s: ${fault}${fault.startsWith('controller') || fault === 'redis-restart' ? '' : ` agent${a.index}`} (${(hold / 1000).toFixed(1)} s)`);
      switch (fault) {
        case 'partition':
          a.proxy.partition();
          await sleep(hold);
          a.proxy.heal();
          break;
        case 'agent-sigkill':
          await kill(a.proc);
          await sleep(500);
          a.proc = startAgent(a.index, a.proxy);
          break;
        case 'agent-sigstop':
          signal(a.proc, 'SIGSTOP');
          await sleep(hold);
          signal(a.proc, 'SIGCONT');
          break;
        case 'controller-sigstop': {
          const ctl = pick(controllers);
          signal(ctl, 'SIGSTOP');
          await sleep(hold);
          signal(ctl, 'SIGCONT');
          break;
        }
        case 'controller-sigkill': {
          const i = Math.floor(random() * controllers.length);
          await kill(controllers[i]!);
          await sleep(300);
          controllers[i] = startController(i);
          break;
        }
        case 'redis-restart':
          await redis.kill();
          await sleep(300 + random() * 700);
          await redis.start();
          break;
        case 'clock-skew':
          await kill(a.proc);
          a.proc = startAgent(a.index, a.proxy, ['faketime', '-f', pick(['-20s', '+20s'])]);
          break;
      }
    }
    // Heal and let the sweeps finish (agents killed for good restart; none is frozen or cut off).
    log('chaos: faults over; waiting for the sweeps to finish');
    for (const a of agents) {
      a.proxy.heal();
      signal(a.proc, 'SIGCONT');
    }
    for (const ctl of controllers) signal(ctl, 'SIGCONT');
    const finishBy = Date.now() + 180_000;
    for (;;) {
      const states = await Promise.all([grid, rand].map((id) => c!.hget(keys.sweep(id), 'state')));
      if (states.every((s) => s === 'finished')) break;
      if (Date.now() > finishBy) {
        violations.push(`sweeps not finished 3 minutes after the faults: ${states.join(', ')} ${JSON.stringify(await c.hgetall(keys.sweepCounts(grid)))} ${JSON.stringify(await c.hgetall(keys.sweepCounts(rand)))}`);
        break;
      }
      await sleep(300);
    }
    const exitBy = Date.now() + 30_000;
    for (const a of agents) {
      const code = await Promise.race([a.proc.exited, sleep(Math.max(0, exitBy - Date.now())).then(() => 'timeout' as const)]);
      if (code !== 0) violations.push(`agent${a.index} did not exit 0 after its sweep finished (${code})`);
    }

    // The checker: the hosts' files, then Redis.
    const report = await check(c, hostsDir, { grid, gridSize, rand, runCap }, violations);
    const out: ChaosReport = { profile, seconds: Math.round((Date.now() - t0) / 1000), faults, ...report, violations };
    return out;
  } finally {
    for (const a of agents) await kill(a.proc);
    for (const ctl of controllers) await kill(ctl);
    for (const p of proxies) await p.close();
    c?.disconnect();
    await redis?.kill();
    if (!process.env.CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
    else log(`chaos: files kept in ${dir}`);
  }
}

interface Execution {
  runId: string;
  attempt: number;
  host: string;
  start: number;
  last: number;
  ended: boolean;
}

async function check(c: Redis, hostsDir: string, s: { grid: string; gridSize: number; rand: string; runCap: number }, violations: string[]): Promise<Omit<ChaosReport, 'profile' | 'seconds' | 'faults' | 'violations'>> {
  const executions = new Map<string, Execution>();
  for (const file of readdirSync(hostsDir)) {
    for (const line of readFileSync(join(hostsDir, file), 'utf8').split('\n')) {
      const [runId, attempt, kind, t] = line.split(' ');
      if (!runId || !t) continue;
      const key = `${runId}#${attempt}#${file}`;
      const time = Number(t);
      const e = executions.get(key) ?? { runId, attempt: Number(attempt), host: file, start: time, last: time, ended: false };
      e.start = Math.min(e.start, time);
      e.last = Math.max(e.last, time);
      if (kind === 'end') e.ended = true;
      executions.set(key, e);
    }
  }
  const byRun = new Map<string, Execution[]>();
  for (const e of executions.values()) byRun.set(e.runId, [...(byRun.get(e.runId) ?? []), e]);
  let overlaps = 0;
  let duplicated = 0;
  for (const [runId, list] of byRun) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!;
      const next = list[i]!;
      if (next.start <= Math.max(...list.slice(0, i).map((x) => x.last))) {
        overlaps++;
        violations.push(`run ${runId}: attempt ${next.attempt} on ${next.host} started while attempt ${prev.attempt} on ${prev.host} was alive`);
      }
    }
  }
  // Duplicated: an execution that started after the run finished (the end of the attempt Redis
  // records as the finished one). A script that ran to its end while its agent was frozen or cut
  // off past its lease was never recorded as finished and was run again: counted apart.
  let runs = 0;
  let lost = 0;
  let rerun = 0;
  for (const sweepId of [s.grid, s.rand]) {
    const runIds = await c.zrange(keys.sweepRuns(sweepId), 0, -1);
    runs += runIds.length;
    const configs = new Set<string>();
    for (const runId of runIds) {
      const run = await c.hgetall(keys.run(runId));
      configs.add(run.config ?? '');
      if (run.state !== 'finished') {
        lost++;
        violations.push(`run ${runId}: ${run.state} (${run.message ?? ''}), not finished`);
        continue;
      }
      const rows = (await c.lrange(keys.runHistory(runId), 0, -1)).map((r) => JSON.parse(r) as { _step: number; _attempt?: number });
      const steps = rows.filter((r) => (r._attempt ?? 1) === Number(run.attempt)).map((r) => r._step);
      if (JSON.stringify(steps) !== JSON.stringify(Array.from({ length: STEPS }, (_, i) => i))) violations.push(`run ${runId}: last attempt's points ${JSON.stringify(steps)}`);
      const list = byRun.get(runId) ?? [];
      const final = list.find((e) => e.ended && e.attempt === Number(run.attempt));
      if (!final) violations.push(`run ${runId}: finished in Redis but no execution of attempt ${run.attempt} ran to its end`);
      else if (list.some((e) => e !== final && e.start >= final.start)) {
        duplicated++;
        violations.push(`run ${runId} ran again after it finished`);
      }
      rerun += list.filter((e) => e.ended && e !== final).length > 0 ? 1 : 0;
    }
    const expected = sweepId === s.grid ? s.gridSize : s.runCap;
    if (runIds.length !== expected || configs.size !== expected) violations.push(`sweep ${sweepId}: ${runIds.length} runs, ${configs.size} configs (expected ${expected})`);
  }
  return { runs, expectedRuns: s.gridSize + s.runCap, executions: executions.size, overlaps, lost, duplicated, rerunAfterUnrecordedEnd: rerun };
}

/** The table a person reads, then one JSON line. */
export function formatReport(r: ChaosReport): string {
  const rows: Array<[string, string]> = [
    ['profile', r.profile],
    ['duration', `${r.seconds} s`],
    ...FAULTS.map((f): [string, string] => [`faults: ${f}`, String(r.faults[f] ?? 0)]),
    ['runs (expected)', `${r.runs} (${r.expectedRuns})`],
    ['executions', String(r.executions)],
    ['overlaps', String(r.overlaps)],
    ['lost', String(r.lost)],
    ['duplicated', String(r.duplicated)],
    ['re-run after an unrecorded end', String(r.rerunAfterUnrecordedEnd)],
    ['violations', String(r.violations.length)],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return [...rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`), ...r.violations.map((v) => `  ! ${v}`), JSON.stringify(r)].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const n = Number(args[i + 1]);
    if (!Number.isFinite(n) || n <= 0 || n > 24 * 60) {
      console.error(`${name} must be a number of minutes in (0, 1440] (got ${JSON.stringify(args[i + 1])})`);
      process.exit(2);
    }
    return n;
  };
  const report = await runChaos({ minutes: value('--minutes', 10), seed: value('--seed', 1) });
  console.log(formatReport(report));
  process.exit(report.violations.length === 0 ? 0 : 1);
}
