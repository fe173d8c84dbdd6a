/**
 * Fleet scale: real Agents (one slot each; their own BullMQ worker, lease loop and heartbeats),
 * many per Node process over a few processes, one controller in its own process, one private
 * redis-server; side by side with a bare BullMQ pool (the same number of Workers, concurrency 1,
 * spawning the same command on the same Redis), so the throughput figure is a ratio.
 *
 * Phases: Redis bytes per run and per point (100 points + summary per run, real agents); for
 * each fleet size, the idle cost (Redis CPU and ops/s while every agent waits) and end-to-end
 * runs/s with p50/p99 job → start, Redis CPU and ops/s, controller CPU per run, connections,
 * for our agents and for the bare pool; 100 concurrent sweeps on one controller; a 100k-run
 * sweep (made through the store, not executed) and the controller's RSS once it leads it.
 *
 *   node --import tsx bench/fleet.ts [--quick] [--agents 10,100,1000] [--per-process 250]
 *     [--idle-sec 30] [--runs-per-agent 3] [--sweeps 100] [--big-runs 100000] [--skip memory,sizes,bare,multi,big] [--heartbeat-ms N]
 *     [--redis-set name=value,...] (CONFIG SET on the bench's Redis before it starts)
 *     [--timeout-sec 600] (a phase that runs out reports what ended by then)
 *   HS_BENCH_COMMANDSTATS=1: each load phase also prints the Redis calls per run by command (stderr)
 *   HS_BENCH_CPU_PROF=dir: a V8 CPU profile of every process the bench forks (bench/fleet/hosts.ts)
 *
 * Targets: ≥ 0.5× the bare pool's runs/s at the largest fleet; that fleet idle < 10% of one
 * Redis core; ≤ 2 KB of Redis per run + ≤ 60 bytes per point.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startPrivateRedis } from '../src/local/private-redis.js';
import { agentPhase, type AgentFigures, type LoadFigures } from './fleet/agent-phase.js';
import { barePhase } from './fleet/bare-phase.js';
import { bigSweep } from './fleet/big-sweep.js';
import { ControllerProcess } from './fleet/controller-process.js';
import { memoryPhase } from './fleet/memory-phase.js';
import { printTable } from './fleet/report.js';
import { commandOf, HUNDRED_POINTS, ONE_METRIC, REALISTIC_PARAMETERS, writeScript } from './fleet/sweeps.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const quick = args.includes('--quick');
const sizes = (opt('agents') ?? (quick ? '10,100' : '10,100,1000')).split(',').map(Number);
const perProcess = Number(opt('per-process') ?? 250);
const idleSec = Number(opt('idle-sec') ?? (quick ? 10 : 30));
const sweepCount = Number(opt('sweeps') ?? 100);
const bigRuns = Number(opt('big-runs') ?? (quick ? 10_000 : 100_000));
const skip = new Set((opt('skip') ?? '').split(','));
const largest = Math.max(...sizes);
const runsPerAgent = Number(opt('runs-per-agent') ?? 3);
const runsFor = (agents: number) => Math.max(100, runsPerAgent * agents);
const TIMEOUT_SEC = Number(opt('timeout-sec') ?? 600);
const heartbeatMs = opt('heartbeat-ms') ? Number(opt('heartbeat-ms')) : undefined;
/** Each phase's figures on stderr as soon as it ends (the table comes at the end). */
const progress = (phase: string, figures: unknown) => console.error(JSON.stringify({ phase, loadAverage: load(), ...(figures as object) }));
const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

const dir = mkdtempSync(join(tmpdir(), 'hs-bench-fleet-'));
const redisServer = await startPrivateRedis({ dir: join(dir, 'redis') });
const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
const script = writeScript(dir, 'run.sh', ONE_METRIC);
const pointsScript = writeScript(dir, 'points.sh', HUNDRED_POINTS);
// --redis-set name=value[,name=value]: CONFIG SET on the bench's Redis first (e.g. hash-max-listpack-value=1024).
for (const pair of (opt('redis-set') ?? '').split(',').filter(Boolean)) {
  const [name, value] = pair.split('=');
  await redis.config('SET', name!, value!);
}
const loadAtStart = load();
let controller: ControllerProcess | undefined = await ControllerProcess.start(redisServer.url);
try {
  const common = { redis, redisUrl: redisServer.url, cwd: dir, perProcess, idleSec, timeoutSec: TIMEOUT_SEC, ...(heartbeatMs ? { heartbeatMs } : {}) };
  const memoryRuns = { ...common, controller, script: pointsScript, agents: 10, runs: quick ? 50 : 100 };
  const memory = skip.has('memory') ? undefined : await memoryPhase(memoryRuns);
  progress('memory', memory);
  const memoryRealistic = skip.has('memory') ? undefined : await memoryPhase({ ...memoryRuns, moreParameters: REALISTIC_PARAMETERS });
  progress('memory, 6 parameters', memoryRealistic);
  const sizesOut: Array<{ agents: number; processes: number; ours: AgentFigures; bare?: LoadFigures; loadAverage: number[] }> = [];
  for (const agents of skip.has('sizes') ? [] : sizes) {
    const runs = runsFor(agents);
    const bare = skip.has('bare') ? undefined : await barePhase({ ...common, command: commandOf(script), workers: agents, runs });
    progress(`bare ${agents}`, bare);
    const ours = await agentPhase({ ...common, controller, script, agents, sweeps: 1, runsPerSweep: runs });
    progress(`ours ${agents}`, ours);
    sizesOut.push({ agents, processes: Math.ceil(agents / perProcess), ours, ...(bare ? { bare } : {}), loadAverage: load() });
  }
  const multiAgents = Math.max(sweepCount, largest);
  const multi = skip.has('multi')
    ? undefined
    : { agents: multiAgents, sweeps: sweepCount, ...(await agentPhase({ ...common, controller, script, agents: multiAgents, sweeps: sweepCount, runsPerSweep: Math.max(3, Math.ceil(runsFor(multiAgents) / sweepCount)) })), loadAverage: load() };
  progress('multi', multi);
  await controller.stop();
  controller = undefined;
  const big = skip.has('big') ? undefined : await bigSweep(redis, redisServer.url, bigRuns, TIMEOUT_SEC);
  progress('big', big);
  printTable({ sizes: sizesOut, memory, memoryRealistic, multi, big, loadAtStart, loadAtEnd: load(), cores: os.cpus().length });
} finally {
  await controller?.stop();
  redis.disconnect();
  await redisServer.stop();
  rmSync(dir, { recursive: true, force: true });
}
