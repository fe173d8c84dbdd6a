/**
 * Redis bytes per run and per point: real agents run a sweep whose script logs 100 points and a
 * summary; then every key is weighed (MEMORY USAGE) by kind. History lists are the per-point
 * cost; every other key of the sweep (run hash, attempts, provenance, output, indexes, what is
 * left of the events streams) is the per-run cost. Only the sweep's own keys are weighed (SCAN
 * MATCH its hash tag), so a phase never weighs another's.
 */
import type { Redis } from 'ioredis';
import type { ControllerProcess } from './controller-process.js';
import { startFleet } from './hosts.js';
import { bytesByKind } from './key-bytes.js';
import { sampleRedis } from './redis-info.js';
import { createPausedSweep, endedRuns, resumeSweep } from './sweeps.js';

export interface MemoryFigures {
  runs: number;
  pointsPerRun: number;
  bytesPerRun: number;
  bytesPerPoint: number;
  usedMemoryDeltaPerRun: number;
  /** Kinds of key, largest first: bytes per run. */
  perRunByKind: Array<{ kind: string; bytesPerRun: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function memoryPhase(s: { redis: Redis; redisUrl: string; controller: ControllerProcess; script: string; cwd: string; agents: number; runs: number; timeoutSec: number; moreParameters?: string }): Promise<MemoryFigures> {
  const sweepId = await createPausedSweep(s.redis, s.script, s.runs, s.moreParameters);
  const fleet = await startFleet({ kind: 'agent', redisUrl: s.redisUrl, sweeps: [sweepId], cwd: s.cwd }, s.agents, s.agents);
  await sleep(1000);
  const m0 = await sampleRedis(s.redis);
  await resumeSweep(s.redis, sweepId);
  const deadline = performance.now() + s.timeoutSec * 1000;
  let ended = 0;
  while (ended < s.runs && performance.now() < deadline) {
    await sleep(200);
    ended = (await endedRuns(s.redis, [sweepId])).ended;
  }
  await sleep(2000); // the controller applies the last events and trims the stream
  const m1 = await sampleRedis(s.redis);
  const kinds = await bytesByKind(s.redis, `*{${sweepId}}*`); // the sweep's keys only (all carry its hash tag)
  await fleet.stop();
  const POINTS = 100;
  let history = 0;
  let other = 0;
  const perRun: Array<{ kind: string; bytesPerRun: number }> = [];
  for (const [kind, { bytes }] of kinds) {
    if (kind.includes(':agent')) continue; // the fleet's, not the sweep's
    if (kind.endsWith('(expiring)')) {
      perRun.push({ kind, bytesPerRun: Math.round(bytes / ended) });
      continue;
    }
    if (kind.endsWith(':history')) history += bytes;
    else other += bytes;
    perRun.push({ kind, bytesPerRun: Math.round(bytes / ended) });
  }
  perRun.sort((a, b) => b.bytesPerRun - a.bytesPerRun);
  return {
    runs: ended,
    pointsPerRun: POINTS,
    bytesPerRun: Math.round(other / ended),
    bytesPerPoint: Math.round((history / (ended * POINTS)) * 10) / 10,
    usedMemoryDeltaPerRun: Math.round((m1.usedMemory - m0.usedMemory) / ended),
    perRunByKind: perRun.slice(0, 12),
  };
}
