/** What the fleet bench reads from Redis's INFO: CPU seconds, commands processed, clients, memory. */
import type { Redis } from 'ioredis';

export interface RedisSample {
  /** Wall time of the sample (ms, performance clock). */
  at: number;
  /** used_cpu_user + used_cpu_sys (every thread of the server). */
  cpuSec: number;
  commands: number;
  clients: number;
  usedMemory: number;
}

export async function sampleRedis(redis: Redis): Promise<RedisSample> {
  const info = await redis.info();
  const num = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return {
    at: performance.now(),
    cpuSec: num('used_cpu_user') + num('used_cpu_sys'),
    commands: num('total_commands_processed'),
    clients: num('connected_clients'),
    usedMemory: num('used_memory'),
  };
}

/** Between two samples: Redis's CPU as a share of one core (%), commands per second. */
export function redisLoad(a: RedisSample, b: RedisSample): { seconds: number; cpuPct: number; cpuSec: number; opsPerSec: number } {
  const seconds = (b.at - a.at) / 1000;
  const cpuSec = b.cpuSec - a.cpuSec;
  // The INFO commands of the samples themselves (one each) are left in: 1 op per sample.
  return { seconds, cpuSec, cpuPct: (100 * cpuSec) / seconds, opsPerSec: (b.commands - a.commands) / seconds };
}

/** Calls so far by command (INFO commandstats; commands run by Lua scripts counted too). */
export async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const m of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1]!, Number(m[2]));
  return calls;
}

/** HS_BENCH_COMMANDSTATS set: the calls per run of each command between two readings, on stderr (where the ops go). */
export function printCallsPerRun(label: string, a: Map<string, number>, b: Map<string, number>, runs: number): void {
  const rows = [...b].map(([cmd, n]) => [cmd, (n - (a.get(cmd) ?? 0)) / runs] as const).filter(([, n]) => n >= 0.05);
  rows.sort((x, y) => y[1] - x[1]);
  const total = rows.reduce((s, [, n]) => s + n, 0);
  console.error(`${label}: ${total.toFixed(1)} Redis calls per run: ${rows.map(([c, n]) => `${c} ${n.toFixed(2)}`).join(', ')}`);
}
