/**
 * A 100k-run sweep: runs made through the store (createRuns) and their started and finished
 * events (with a summary) appended to the sweep's stream, not executed; a fresh controller then
 * leads the sweep and applies them. Reports the controller's RSS before and after, and Redis
 * bytes per run of those runs.
 */
import type { Redis } from 'ioredis';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { encodeRunEvent } from '../../src/store/run-events.js';
import { keys } from '../../src/store/keys.js';
import { createRuns } from '../../src/store/run-store.js';
import { createSweep, getSweepSummary } from '../../src/store/sweep-store.js';
import { ControllerProcess } from './controller-process.js';
import { sampleRedis } from './redis-info.js';

export interface BigSweepFigures {
  runs: number;
  controllerRssBeforeMb: number;
  controllerRssAfterMb: number;
  controllerHeapAfterMb: number;
  applySec: number;
  redisBytesPerRun: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function bigSweep(redis: Redis, redisUrl: string, runs: number, timeoutSec: number): Promise<BigSweepFigures> {
  const m0 = await sampleRedis(redis);
  const source = `method: random\nmetric: {name: loss, goal: minimize}\nrun_cap: ${runs * 2}\nparameters:\n  x: {min: 0.0, max: 1.0}\n  y: {values: [a, b, c]}\n`;
  const sweep = await createSweep(redis, { config: parseSweepConfig(source), source });
  for (let i = 0; i < runs; i += 2000) {
    const made = await createRuns(redis, Array.from({ length: Math.min(2000, runs - i) }, (_, k) => ({ sweepId: sweep.id, config: { x: (i + k) / runs, y: 'abc'[(i + k) % 3]! }, reason: 'bench' })));
    const p = redis.pipeline();
    const at = Date.now();
    for (const m of made) {
      p.xadd(keys.sweepEvents(sweep.id), '*', ...encodeRunEvent({ type: 'started', runId: m.runId, attempt: 1, token: m.token, agentId: 'bench', slot: 'cpu0', host: 'h', pid: 1, at }));
      p.xadd(keys.sweepEvents(sweep.id), '*', ...encodeRunEvent({ type: 'finished', runId: m.runId, attempt: 1, token: m.token, outcome: 'finished', exitCode: 0, signal: null, outputTail: '', summary: { loss: Math.abs(Math.sin(i + m.runId.length)) }, at }));
    }
    await p.exec();
  }
  const controller = await ControllerProcess.start(redisUrl);
  const before = await controller.usage();
  const t0 = performance.now();
  const deadline = t0 + timeoutSec * 1000;
  let finished = 0;
  while (finished < runs && performance.now() < deadline) {
    await sleep(500);
    finished = (await getSweepSummary(redis, sweep.id)).counts.finished;
  }
  const applySec = (performance.now() - t0) / 1000;
  await sleep(2000);
  const after = await controller.usage();
  await controller.stop();
  const m1 = await sampleRedis(redis);
  const mb = (b: number) => Math.round(b / 1e5) / 10;
  return {
    runs: finished,
    controllerRssBeforeMb: mb(before.rssBytes),
    controllerRssAfterMb: mb(after.rssBytes),
    controllerHeapAfterMb: mb(after.heapBytes),
    applySec: Math.round(applySec * 10) / 10,
    redisBytesPerRun: Math.round((m1.usedMemory - m0.usedMemory) / runs),
  };
}
