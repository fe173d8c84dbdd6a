import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { applyRunEvents, type RequeuePolicy } from '../../src/store/apply-run-event.js';
import { CurveCache, ENTRY_OVERHEAD_BYTES } from '../../src/store/curve-cache.js';
import { keys } from '../../src/store/keys.js';
import { createRun, crashRun, readHistories } from '../../src/store/run-store.js';
import { execPipeline } from '../../src/store/exec-pipeline.js';
import { createSweep } from '../../src/store/sweep-store.js';
import type { HistoryRow } from '../../src/run-record.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let c: Redis;
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
});
afterAll(async () => {
  await redis.stop();
});

const policy: RequeuePolicy = { maxAttempts: 3, retryFailed: false, allowRequeue: true };
const SOURCE = 'method: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  x: {min: 0.0, max: 1.0}\n';

interface Made {
  runId: string;
  token: string;
}

async function newSweep(): Promise<string> {
  return (await createSweep(c, { config: parseSweepConfig(SOURCE), source: SOURCE })).id;
}

async function newRun(sweepId: string, x: number): Promise<Made> {
  const { runId, token } = await createRun(c, { sweepId, config: { x }, reason: 'test' });
  await applyRunEvents(c, sweepId, [{ type: 'started', runId, attempt: 1, token, agentId: 'a1', slot: 'gpu0', host: 'h', pid: 1, at: 1 }], policy);
  return { runId, token };
}

async function log(sweepId: string, run: Made, attempt: number, seq: number, rows: HistoryRow[]): Promise<void> {
  const [r] = await applyRunEvents(c, sweepId, [{ type: 'metrics', runId: run.runId, attempt, token: run.token, seq, rows }], policy);
  expect(r!.status).toBe('applied');
}

async function finish(sweepId: string, run: Made, attempt = 1): Promise<void> {
  await applyRunEvents(c, sweepId, [{ type: 'finished', runId: run.runId, attempt, token: run.token, outcome: 'finished', exitCode: 0, signal: null, outputTail: '', at: 2 }], policy);
}

/** The straightforward reading (every row of every run, latest attempt, finite values), as the API served it before the cache. */
async function metricCurves(sweepId: string, metric: string): Promise<Array<{ id: string; state: string; points: Array<[number, number]> }>> {
  const ids = await c.zrange(keys.sweepRuns(sweepId), 0, -1);
  const p = c.pipeline();
  for (const id of ids) p.hget(keys.run(sweepId, id), 'state');
  const states = ids.length ? (await execPipeline(p)).map(([, v]) => v as string) : [];
  return (await readHistories(c, sweepId, ids)).map((rows, i) => {
    const lastAttempt = rows.reduce((m, r) => Math.max(m, r._attempt ?? 1), 1);
    const points: Array<[number, number]> = [];
    for (const row of rows) {
      const v = row[metric];
      if ((row._attempt ?? 1) === lastAttempt && typeof v === 'number' && Number.isFinite(v)) points.push([row._step, v]);
    }
    return { id: ids[i]!, state: states[i]!, points };
  });
}

/** The uncached answer, serialised. */
async function truth(sweepId: string, metric = 'loss'): Promise<string> {
  return JSON.stringify(await metricCurves(sweepId, metric));
}

async function lrangeCalls(): Promise<number> {
  const m = /cmdstat_lrange:calls=(\d+)/.exec(await c.info('commandstats'));
  return m ? Number(m[1]) : 0;
}

test('the same JSON as metricCurves; ended runs are served from the cache without reading their history', async () => {
  const sweepId = await newSweep();
  const runs: Made[] = [];
  for (let i = 0; i < 4; i++) {
    const run = await newRun(sweepId, i / 10);
    // Run 2 logs another metric only at step 1, and a non-finite loss at step 2 (both skipped).
    await log(sweepId, run, 1, 1, [{ _step: 0, loss: 1 + i }, i === 2 ? { _step: 1, acc: 0.5 } : { _step: 1, loss: 0.5 + i }, { _step: 2, loss: i === 2 ? Infinity : 0.25 * i }]);
    runs.push(run);
  }
  await createRun(c, { sweepId, config: { x: 0.9 }, reason: 'test' }); // pending, no history
  for (const run of runs.slice(0, 3)) await finish(sweepId, run);

  const cache = new CurveCache();
  const first = await cache.runsJson(c, sweepId, 'loss');
  expect(first).toBe(await truth(sweepId));
  expect(JSON.parse(first)[2]).toEqual({ id: runs[2]!.runId, state: 'finished', points: [[0, 3]] });
  expect(JSON.parse(first)[4]).toMatchObject({ state: 'pending', points: [] });
  expect(await cache.runsJson(c, sweepId, 'acc')).toBe(await truth(sweepId, 'acc'));

  // Warm: the three ended runs' histories are not read again (only the running and pending run's).
  const before = await lrangeCalls();
  expect(await cache.runsJson(c, sweepId, 'loss')).toBe(first);
  expect((await lrangeCalls()) - before).toBe(2);
});

test("a running run's new points appear on the next call, read from the cached length on", async () => {
  const sweepId = await newSweep();
  const done = await newRun(sweepId, 0.1);
  await log(sweepId, done, 1, 1, [{ _step: 0, loss: 9 }]);
  await finish(sweepId, done);
  const run = await newRun(sweepId, 0.2);
  await log(sweepId, run, 1, 1, [{ _step: 0, loss: 1 }, { _step: 1, loss: 0.5 }]);
  const cache = new CurveCache();
  expect(JSON.parse(await cache.runsJson(c, sweepId, 'loss'))[1]).toEqual({ id: run.runId, state: 'running', points: [[0, 1], [1, 0.5]] });

  await log(sweepId, run, 1, 2, [{ _step: 2, loss: 0.25 }, { _step: 3, loss: 0.125 }]);
  const next = await cache.runsJson(c, sweepId, 'loss');
  expect(next).toBe(await truth(sweepId));
  expect(JSON.parse(next)[1].points).toEqual([[0, 1], [1, 0.5], [2, 0.25], [3, 0.125]]);

  // Two calls at once after more rows: neither folds the new rows twice.
  await log(sweepId, run, 1, 3, [{ _step: 4, loss: 0.0625 }]);
  const both = await Promise.all([cache.runsJson(c, sweepId, 'loss'), cache.runsJson(c, sweepId, 'loss')]);
  const now = await truth(sweepId);
  expect(both).toEqual([now, now]);
  expect(await cache.runsJson(c, sweepId, 'loss')).toBe(now);

  // It ends: the last rows and the new state show, and later calls stop reading its history.
  await log(sweepId, run, 1, 4, [{ _step: 5, loss: 0.03125 }]);
  await finish(sweepId, run);
  const ended = await cache.runsJson(c, sweepId, 'loss');
  expect(JSON.parse(ended)[1]).toMatchObject({ state: 'finished', points: expect.arrayContaining([[5, 0.03125]]) });
  expect(ended).toBe(await truth(sweepId));
  const before = await lrangeCalls();
  expect(await cache.runsJson(c, sweepId, 'loss')).toBe(ended);
  expect(await lrangeCalls()).toBe(before);
});

test('a re-queued run (attempt 2) does not keep serving its attempt-1 points', async () => {
  const sweepId = await newSweep();
  const run = await newRun(sweepId, 0.3);
  await log(sweepId, run, 1, 1, [{ _step: 0, loss: 1 }, { _step: 1, loss: 0.9 }, { _step: 2, loss: 0.8 }]);
  const cache = new CurveCache();
  expect(JSON.parse(await cache.runsJson(c, sweepId, 'loss'))[0].points).toEqual([[0, 1], [1, 0.9], [2, 0.8]]);

  const requeued = await crashRun(c, sweepId, run.runId, run.token, { maxAttempts: 3, allowRequeue: true });
  expect(requeued.result).toBe('requeued');
  const second: Made = { runId: run.runId, token: (requeued as { token: string }).token };
  // Pending again, nothing logged yet by attempt 2: the same answer as the uncached read.
  expect(await cache.runsJson(c, sweepId, 'loss')).toBe(await truth(sweepId));
  expect(JSON.parse(await cache.runsJson(c, sweepId, 'loss'))[0].state).toBe('pending');

  await applyRunEvents(c, sweepId, [{ type: 'started', runId: run.runId, attempt: 2, token: second.token, agentId: 'a2', slot: 'gpu1', host: 'h', pid: 2, at: 3 }], policy);
  await log(sweepId, second, 2, 1, [{ _step: 0, loss: 0.7 }]);
  const afterRetry = JSON.parse(await cache.runsJson(c, sweepId, 'loss'))[0];
  expect(afterRetry).toEqual({ id: run.runId, state: 'running', points: [[0, 0.7]] });
  await finish(sweepId, second, 2);
  expect(JSON.parse(await cache.runsJson(c, sweepId, 'loss'))[0]).toEqual({ id: run.runId, state: 'finished', points: [[0, 0.7]] });
  expect(await cache.runsJson(c, sweepId, 'loss')).toBe(await truth(sweepId));
});

test('an entry from another attempt is dropped even if the history were rewritten rather than appended to', async () => {
  // Not what the store does today (it appends rows with _attempt), but the cache must not
  // depend on it: the attempt field changing forces a full read.
  const sweepId = await newSweep();
  const run = await newRun(sweepId, 0.4);
  await log(sweepId, run, 1, 1, [{ _step: 0, loss: 1 }, { _step: 1, loss: 0.9 }]);
  const cache = new CurveCache();
  await cache.runsJson(c, sweepId, 'loss');
  await c.multi().del(keys.runHistory(sweepId, run.runId)).rpush(keys.runHistory(sweepId, run.runId), '{"_step":0,"loss":0.5}', '{"_step":1,"loss":0.4}', '{"_step":2,"loss":0.3}').hset(keys.run(sweepId, run.runId), 'attempt', 2).exec();
  expect(JSON.parse(await cache.runsJson(c, sweepId, 'loss'))[0].points).toEqual([[0, 0.5], [1, 0.4], [2, 0.3]]);
  // A history shorter than what was folded is read again too.
  await c.multi().del(keys.runHistory(sweepId, run.runId)).rpush(keys.runHistory(sweepId, run.runId), '{"_step":0,"loss":0.1}').exec();
  expect(JSON.parse(await cache.runsJson(c, sweepId, 'loss'))[0].points).toEqual([[0, 0.1]]);
});

test('memory stays within maxBytes (least recently used evicted); answers stay correct', async () => {
  const sweepId = await newSweep();
  for (let i = 0; i < 6; i++) {
    const run = await newRun(sweepId, 0.5 + i / 100);
    await log(sweepId, run, 1, 1, Array.from({ length: 20 }, (_, s) => ({ _step: s, loss: 1 / (1 + s + i) })));
    await finish(sweepId, run);
  }
  const full = await truth(sweepId);
  const perRun = Math.max(...(JSON.parse(full) as Array<{ id: string; points: unknown[] }>).map((r) => `${r.id}:loss`.length + JSON.stringify(r.points).length)) + ENTRY_OVERHEAD_BYTES;
  const maxBytes = 3 * perRun;
  const cache = new CurveCache({ maxBytes });
  for (let k = 0; k < 3; k++) {
    expect(await cache.runsJson(c, sweepId, 'loss')).toBe(full);
    expect(cache.size).toBeLessThanOrEqual(maxBytes);
    expect(cache.count).toBeGreaterThan(0);
    expect(cache.count).toBeLessThan(6);
  }
  const off = new CurveCache({ maxBytes: 0 });
  expect(await off.runsJson(c, sweepId, 'loss')).toBe(full);
  expect(off.count).toBe(0);
});
