/**
 * One fleet measurement: `agents` real agents (one slot each) over `sweeps` paused sweeps of
 * `runsPerSweep` runs; first the idle cost (Redis CPU and ops/s over `idleSec` while every agent
 * heartbeats and waits), then every sweep resumed at once and timed until all its runs ended.
 */
import type { Redis } from 'ioredis';
import type { ControllerProcess } from './controller-process.js';
import { startFleet } from './hosts.js';
import { agentJobToStart, quantile } from './latency.js';
import { commandCalls, printCallsPerRun, redisLoad, sampleRedis } from './redis-info.js';
import { createPausedSweep, endedRuns, resumeSweep } from './sweeps.js';

export interface PhaseSettings {
  redis: Redis;
  redisUrl: string;
  controller: ControllerProcess;
  script: string;
  cwd: string;
  agents: number;
  sweeps: number;
  runsPerSweep: number;
  idleSec: number;
  perProcess: number;
  timeoutSec: number;
  /** The agents' heartbeat period; unset: the agent's default. */
  heartbeatMs?: number;
}

export interface LoadFigures {
  runs: number;
  seconds: number;
  runsPerSec: number;
  jobToStartP50: number;
  jobToStartP99: number;
  redisCpuPct: number;
  redisOpsPerSec: number;
  clientsPeak: number;
  /** CPU ms per run of the fleet's Node processes (agents or workers; the commands not included). */
  fleetCpuMsPerRun: number;
  /** Of fleetCpuMsPerRun, the part spent in the kernel (fork and exec of the command, files, sockets). */
  fleetSystemCpuMsPerRun: number;
  /** RSS of the largest fleet process as the phase ended (MB): the agents or workers one process holds. */
  fleetRssMbPerProcess: number;
  /** CPU ms per run of everything measured: fleet processes, controller (ours), Redis. */
  totalCpuMsPerRun: number;
  idleRedisCpuPct: number;
  idleRedisOpsPerSec: number;
  failedRuns: number;
  problems: string;
}

export interface AgentFigures extends LoadFigures {
  controllerCpuMsPerRun: number;
  /** Of fleetCpuMsPerRun, the agents' sentinels' (which start the scripts). */
  sentinelCpuMsPerRun: number;
  idleControllerCpuPct: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export async function agentPhase(s: PhaseSettings): Promise<AgentFigures> {
  const sweepIds: string[] = [];
  for (let i = 0; i < s.sweeps; i++) sweepIds.push(await createPausedSweep(s.redis, s.script, s.runsPerSweep));
  const fleet = await startFleet({ kind: 'agent', redisUrl: s.redisUrl, sweeps: sweepIds, cwd: s.cwd, ...(s.heartbeatMs ? { heartbeatMs: s.heartbeatMs } : {}) }, s.agents, s.perProcess);
  try {
    await sleep(3000); // startup bursts (registration, first fetches) settle
    const idle0 = await sampleRedis(s.redis);
    const idleC0 = await s.controller.usage();
    await sleep(s.idleSec * 1000);
    const idle1 = await sampleRedis(s.redis);
    const idleC1 = await s.controller.usage();
    const idle = redisLoad(idle0, idle1);

    const calls0 = process.env.HS_BENCH_COMMANDSTATS ? await commandCalls(s.redis) : undefined;
    const r0 = await sampleRedis(s.redis);
    const c0 = await s.controller.usage();
    const f0 = await fleet.usage();
    for (const id of sweepIds) await resumeSweep(s.redis, id);
    const total = s.sweeps * s.runsPerSweep;
    let clientsPeak = r0.clients;
    let done = { ended: 0, failed: 0 };
    const deadline = performance.now() + s.timeoutSec * 1000;
    while (done.ended < total && performance.now() < deadline) {
      await sleep(100);
      done = await endedRuns(s.redis, sweepIds);
      clientsPeak = Math.max(clientsPeak, (await sampleRedis(s.redis)).clients);
    }
    const r1 = await sampleRedis(s.redis);
    const c1 = await s.controller.usage();
    const f1 = await fleet.usage();
    if (calls0) printCallsPerRun(`ours ${s.agents}`, calls0, await commandCalls(s.redis), Math.max(1, done.ended));
    const fleetMs = (f1.cpuMicros - f0.cpuMicros) / 1000;
    const load = redisLoad(r0, r1);
    const controllerMs = (c1.cpuMicros - c0.cpuMicros) / 1000;
    const runs = Math.max(1, done.ended);
    const latencies = (await Promise.all(sweepIds.map((id) => agentJobToStart(s.redis, id)))).flat();
    const report = await fleet.stop();
    return {
      runs: done.ended,
      seconds: round(load.seconds, 2),
      runsPerSec: round(done.ended / load.seconds),
      jobToStartP50: round(quantile(latencies, 0.5)),
      jobToStartP99: round(quantile(latencies, 0.99)),
      redisCpuPct: round(load.cpuPct),
      redisOpsPerSec: Math.round(load.opsPerSec),
      clientsPeak,
      controllerCpuMsPerRun: round(controllerMs / runs, 2),
      fleetCpuMsPerRun: round(fleetMs / runs, 2),
      fleetSystemCpuMsPerRun: round((f1.systemMicros - f0.systemMicros) / 1000 / runs, 2),
      sentinelCpuMsPerRun: round((f1.sentinelMicros - f0.sentinelMicros) / 1000 / runs, 2),
      fleetRssMbPerProcess: Math.round(f1.maxRssBytes / 1e6),
      totalCpuMsPerRun: round((fleetMs + controllerMs + load.cpuSec * 1000) / runs, 2),
      idleRedisCpuPct: round(idle.cpuPct),
      idleRedisOpsPerSec: Math.round(idle.opsPerSec),
      idleControllerCpuPct: round(((idleC1.cpuMicros - idleC0.cpuMicros) / 1e6 / idle.seconds) * 100),
      failedRuns: done.failed,
      problems: `${report.warnings} warnings, ${report.errors} errors${report.firstProblem ? ` (first: ${report.firstProblem.slice(0, 120)})` : ''}${done.ended < total ? `; timed out with ${done.ended}/${total} runs ended` : ''}`,
    };
  } catch (err) {
    await fleet.stop().catch(() => undefined);
    throw err;
  }
}
