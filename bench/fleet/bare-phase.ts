/**
 * The limit for our design: a bare BullMQ pool of `workers` Workers (concurrency 1) in the same
 * process layout, spawning the same command, on the same Redis. Idle cost first, then `runs`
 * jobs added at once and timed until all completed.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX } from '../../src/queue/run-job.js';
import type { LoadFigures } from './agent-phase.js';
import { startFleet } from './hosts.js';
import { bareJobToStart, quantile } from './latency.js';
import { commandCalls, printCallsPerRun, redisLoad, sampleRedis } from './redis-info.js';

export interface BareSettings {
  redis: Redis;
  redisUrl: string;
  command: string[];
  cwd: string;
  workers: number;
  runs: number;
  idleSec: number;
  perProcess: number;
  timeoutSec: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export async function barePhase(s: BareSettings): Promise<LoadFigures> {
  const name = `fleet-bare-${s.workers}-${Date.now().toString(36)}`;
  const queue = new Queue(name, { connection: s.redis, prefix: QUEUE_PREFIX });
  const fleet = await startFleet({ kind: 'bare', redisUrl: s.redisUrl, queue: name, command: s.command, cwd: s.cwd }, s.workers, s.perProcess);
  try {
    await sleep(3000);
    const idle0 = await sampleRedis(s.redis);
    await sleep(s.idleSec * 1000);
    const idle = redisLoad(idle0, await sampleRedis(s.redis));
    const calls0 = process.env.HS_BENCH_COMMANDSTATS ? await commandCalls(s.redis) : undefined;
    const r0 = await sampleRedis(s.redis);
    const f0 = await fleet.usage();
    for (let i = 0; i < s.runs; i += 1000) {
      await queue.addBulk(Array.from({ length: Math.min(1000, s.runs - i) }, (_, k) => ({ name: 'run', data: { k: i + k }, opts: { removeOnComplete: { age: 7 * 24 * 3600 } } })));
    }
    let clientsPeak = r0.clients;
    let completed = 0;
    let failedRuns = 0;
    const deadline = performance.now() + s.timeoutSec * 1000;
    while (completed + failedRuns < s.runs && performance.now() < deadline) {
      await sleep(100);
      [completed, failedRuns] = await Promise.all([queue.getCompletedCount(), queue.getFailedCount()]);
      clientsPeak = Math.max(clientsPeak, (await sampleRedis(s.redis)).clients);
    }
    const load = redisLoad(r0, await sampleRedis(s.redis));
    const f1 = await fleet.usage();
    const fleetMs = (f1.cpuMicros - f0.cpuMicros) / 1000;
    const runs = Math.max(1, completed + failedRuns);
    if (calls0) printCallsPerRun(`bare ${s.workers}`, calls0, await commandCalls(s.redis), runs);
    const latencies = await bareJobToStart(s.redis, name);
    const report = await fleet.stop();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    return {
      runs: completed + failedRuns,
      seconds: round(load.seconds, 2),
      runsPerSec: round(completed / load.seconds),
      jobToStartP50: round(quantile(latencies, 0.5)),
      jobToStartP99: round(quantile(latencies, 0.99)),
      redisCpuPct: round(load.cpuPct),
      redisOpsPerSec: Math.round(load.opsPerSec),
      clientsPeak,
      fleetCpuMsPerRun: round(fleetMs / runs, 2),
      fleetSystemCpuMsPerRun: round((f1.systemMicros - f0.systemMicros) / 1000 / runs, 2),
      fleetRssMbPerProcess: Math.round(f1.maxRssBytes / 1e6),
      totalCpuMsPerRun: round((fleetMs + load.cpuSec * 1000) / runs, 2),
      idleRedisCpuPct: round(idle.cpuPct),
      idleRedisOpsPerSec: Math.round(idle.opsPerSec),
      failedRuns,
      problems: `${report.warnings} warnings, ${report.errors} errors${report.firstProblem ? ` (first: ${report.firstProblem.slice(0, 120)})` : ''}${completed + failedRuns < s.runs ? `; timed out with ${completed + failedRuns}/${s.runs}` : ''}`,
    };
  } catch (err) {
    await fleet.stop().catch(() => undefined);
    throw err;
  }
}
