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
