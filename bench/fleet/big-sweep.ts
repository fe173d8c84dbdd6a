/**
 * A 100k-run sweep: runs made through the store (createRuns) and their started and finished
 * events (with a summary) appended to the sweep's stream, not executed, while the sweep is held
 * `finished` (so no leader queues jobs for the pending runs); a leader in this process applies
 * the events, then the sweep runs again (room left under its cap, no agents) and a fresh
 * controller process leads it: its RSS holding 100k runs, and Redis bytes per run.
 */
import type { Redis } from 'ioredis';
import { ServerMetrics } from '../../src/api/server-metrics.js';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { SweepLeader } from '../../src/controller/sweep-leader.js';
import { RunQueues } from '../../src/queue/run-queue.js';
import { encodeRunEvent } from '../../src/store/run-events.js';
import { keys } from '../../src/store/keys.js';
import { createRuns } from '../../src/store/run-store.js';
import { createSweep, getSweepSummary, setSweepState } from '../../src/store/sweep-store.js';
import { ControllerProcess } from './controller-process.js';
import { sampleRedis } from './redis-info.js';

export interface BigSweepFigures {
  runs: number;
  controllerRssBeforeMb: number;
  controllerRssAfterMb: number;
  controllerHeapAfterMb: number;
  /** From the controller's start to leading the sweep (its runs loaded). */
  leadSec: number;
  redisBytesPerRun: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function makeRuns(redis: Redis, sweepId: string, runs: number): Promise<void> {
  for (let i = 0; i < runs; i += 2000) {
    const made = await createRuns(redis, Array.from({ length: Math.min(2000, runs - i) }, (_, k) => ({ sweepId, config: { x: (i + k) / runs, y: 'abc'[(i + k) % 3]! }, reason: 'bench' })));
    const p = redis.pipeline();
    const at = Date.now();
    made.forEach((m, k) => {
      p.xadd(keys.sweepEvents(sweepId), '*', ...encodeRunEvent({ type: 'started', runId: m.runId, attempt: 1, token: m.token, agentId: 'bench', slot: 'cpu0', host: 'h', pid: 1, at }));
      p.xadd(keys.sweepEvents(sweepId), '*', ...encodeRunEvent({ type: 'finished', runId: m.runId, attempt: 1, token: m.token, outcome: 'finished', exitCode: 0, signal: null, outputTail: '', summary: { loss: Math.abs(Math.sin(i + k)) }, at }));
    });
    await p.exec();
  }
}

export async function bigSweep(redis: Redis, redisUrl: string, runs: number, timeoutSec: number): Promise<BigSweepFigures> {
  const m0 = await sampleRedis(redis);
  const source = `method: random\nmetric: {name: loss, goal: minimize}\nrun_cap: ${runs * 2}\nparameters:\n  x: {min: 0.0, max: 1.0}\n  y: {values: [a, b, c]}\n`;
  const sweep = await createSweep(redis, { config: parseSweepConfig(source), source });
  await setSweepState(redis, sweep.id, 'finished', { from: ['running'], reason: 'bench: runs being made' });
  await makeRuns(redis, sweep.id, runs);
  const queues = new RunQueues(redis);
  const leader = new SweepLeader(sweep.id, redis, queues, new ServerMetrics(), { eventBatch: 1000, leaseCheckMs: 1e9, log: () => {} });
  await leader.init();
  const deadline = performance.now() + timeoutSec * 1000;
  while ((await leader.consumeEvents(1000)) && performance.now() < deadline);
  await queues.close();
  const finished = (await getSweepSummary(redis, sweep.id)).counts.finished;
  await setSweepState(redis, sweep.id, 'running', { from: ['finished'], reason: 'bench: lead it' });
  const m1 = await sampleRedis(redis);
  const controller = await ControllerProcess.start(redisUrl);
  const before = await controller.usage();
  const t0 = performance.now();
  while (!(await controller.usage()).led.includes(sweep.id) && performance.now() < deadline) await sleep(200);
  const leadSec = (performance.now() - t0) / 1000;
  await sleep(3000);
  const after = await controller.usage();
  await controller.stop();
  const mb = (b: number) => Math.round(b / 1e5) / 10;
  return {
    runs: finished,
    controllerRssBeforeMb: mb(before.rssBytes),
    controllerRssAfterMb: mb(after.rssBytes),
    controllerHeapAfterMb: mb(after.heapBytes),
    leadSec: Math.round(leadSec * 10) / 10,
    redisBytesPerRun: Math.round((m1.usedMemory - m0.usedMemory) / runs),
  };
}
