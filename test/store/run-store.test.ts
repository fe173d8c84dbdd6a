import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { applyRunEvents, type RequeuePolicy } from '../../src/store/apply-run-event.js';
import { keys } from '../../src/store/keys.js';
import { createRun, crashRun, getRun, listRuns, writeRunScores } from '../../src/store/run-store.js';
import { bestRun, createSweep, getSweep } from '../../src/store/sweep-store.js';
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

const policy: RequeuePolicy = { maxAttempts: 2, retryFailed: false, allowRequeue: true };
const GRID = `
method: grid
metric: {name: loss, goal: minimize}
parameters:
  a: {values: [1, 2, 3]}
  b: {values: [x, y]}
`;

test('createRun is idempotent and counts against the cap atomically', async () => {
  const sweep = await createSweep(c, { config: parseSweepConfig(GRID), source: GRID });
  expect(sweep.total).toBe(6);
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => createRun(c, { sweepId: sweep.id, config: { a: i % 8, b: 'x' }, reason: 't', cap: 6 })),
  );
  expect(results.filter((r) => r.result === 'created')).toHaveLength(6);
  expect(results.filter((r) => r.result === 'capped').length + results.filter((r) => r.result === 'exists').length).toBe(14);
  expect((await createRun(c, { sweepId: sweep.id, config: { a: 0, b: 'x' }, reason: 't', cap: 100 })).result).toBe('exists');
  expect((await getSweep(c, sweep.id)).counts.pending).toBe(6);
  expect(await c.zcard(keys.sweepRuns(sweep.id))).toBe(6);
});

test('events are fenced by token, deduped by seq, and a finished run never changes', async () => {
  const sweep = await createSweep(c, { config: parseSweepConfig(GRID), source: GRID });
  const { runId, token } = await createRun(c, { sweepId: sweep.id, config: { a: 1, b: 'x' }, reason: 'grid 1/6' });
  const base = { runId, attempt: 1, token };
  const results = await applyRunEvents(
    c,
    sweep.id,
    [
      { ...base, type: 'started', agentId: 'a1', slot: 'gpu0', host: 'h', pid: 1, at: 10 },
      { ...base, type: 'started', agentId: 'a1', slot: 'gpu0', host: 'h', pid: 1, at: 10 },
      { ...base, type: 'metrics', seq: 1, rows: [{ _step: 0, loss: 3 }] },
      { ...base, type: 'metrics', seq: 1, rows: [{ _step: 0, loss: 3 }] },
      { ...base, token: 'nope', type: 'metrics', seq: 2, rows: [{ _step: 1, loss: 9 }] },
      { ...base, type: 'metrics', seq: 2, rows: [{ _step: 1, loss: 2 }, { _step: 2, loss: 1 }] },
      { ...base, type: 'finished', outcome: 'finished', exitCode: 0, signal: null, outputTail: 'done\n', at: 20 },
      { ...base, type: 'finished', outcome: 'failed', exitCode: 1, signal: null, outputTail: 'x', at: 30 },
    ],
    policy,
  );
  expect(results.map((r) => r.status)).toEqual(['applied', 'duplicate', 'applied', 'duplicate', 'stale', 'applied', 'applied', 'duplicate']);
  const run = await getRun(c, sweep.id, runId);
  expect(run.state).toBe('finished');
  expect(run.history).toEqual([{ _step: 0, loss: 3 }, { _step: 1, loss: 2 }, { _step: 2, loss: 1 }]);
  expect(run.steps).toBe(3);
  expect(run.output).toBe('done\n');
  expect(run.attempts).toEqual([{ attempt: 1, agentId: 'a1', slot: 'gpu0', startedAt: 10, endedAt: 20, outcome: 'finished', exitCode: 0, signal: null }]);
  expect((await getSweep(c, sweep.id)).counts).toMatchObject({ pending: 0, running: 0, finished: 1 });
  expect((await getRun(c, sweep.id, runId, { historyFrom: 1, historyLimit: 1 })).history).toEqual([{ _step: 1, loss: 2 }]);
});

test('a lost attempt is crashed and queued again as attempt 2 until max_attempts; preempted does not count', async () => {
  const sweep = await createSweep(c, { config: parseSweepConfig(GRID), source: GRID });
  const { runId, token } = await createRun(c, { sweepId: sweep.id, config: { a: 2, b: 'x' }, reason: 't' });
  await applyRunEvents(c, sweep.id, [{ type: 'started', runId, attempt: 1, token, agentId: 'a', slot: 's', host: 'h', pid: 1, at: 1 }], policy);
  const crashed = await crashRun(c, sweep.id, runId, token, { maxAttempts: 2, allowRequeue: true });
  expect(crashed.result).toBe('requeued');
  if (crashed.result !== 'requeued') return;
  expect(crashed.attempt).toBe(2);
  const [late] = await applyRunEvents(c, sweep.id, [{ type: 'metrics', runId, attempt: 1, token, seq: 1, rows: [{ _step: 0, loss: 1 }] }], policy);
  expect(late!.status).toBe('stale');
  const t2 = crashed.token;
  const r = await applyRunEvents(
    c,
    sweep.id,
    [
      { type: 'started', runId, attempt: 2, token: t2, agentId: 'a', slot: 's', host: 'h', pid: 1, at: 2 },
      { type: 'finished', runId, attempt: 2, token: t2, outcome: 'preempted', exitCode: null, signal: 'SIGTERM', outputTail: '', at: 3 },
    ],
    policy,
  );
  expect(r[1]!.status).toBe('requeued');
  const t3 = (r[1] as { token: string }).token;
  await applyRunEvents(c, sweep.id, [{ type: 'started', runId, attempt: 3, token: t3, agentId: 'a', slot: 's', host: 'h', pid: 1, at: 4 }], policy);
  expect((await crashRun(c, sweep.id, runId, t3, { maxAttempts: 2, allowRequeue: true })).result).toBe('crashed');
  const run = await getRun(c, sweep.id, runId);
  expect(run.state).toBe('crashed');
  expect(run.attempts.map((a) => a.outcome)).toEqual(['lost', 'preempted', 'lost']);
});

test('listRuns filters by state, sorts by score for the goal, and pages with a cursor', async () => {
  const src = GRID.replace('a: {values: [1, 2, 3]}', 'a: {values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}');
  const sweep = await createSweep(c, { config: parseSweepConfig(src), source: src });
  const ids: string[] = [];
  for (let a = 1; a <= 10; a++) ids.push((await createRun(c, { sweepId: sweep.id, config: { a, b: 'x' }, reason: 't' })).runId);
  await writeRunScores(c, sweep.id, ids.slice(0, 6).map((runId, i) => ({ runId, score: 10 - i })));
  const all: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRuns(c, sweep.id, { limit: 3, cursor });
    all.push(...page.runs.map((r) => r.id));
    cursor = page.next ?? undefined;
  } while (cursor);
  expect(all).toEqual(ids);
  const byScore: string[] = [];
  cursor = undefined;
  do {
    const page = await listRuns(c, sweep.id, { limit: 4, sort: 'score', cursor, goal: 'minimize' });
    byScore.push(...page.runs.map((r) => r.id));
    cursor = page.next ?? undefined;
  } while (cursor);
  expect(byScore).toEqual([...ids.slice(0, 6).reverse(), ...ids.slice(6)]);
  expect((await listRuns(c, sweep.id, { sort: '-created', limit: 2 })).runs.map((r) => r.id)).toEqual([ids[9], ids[8]]);
  expect((await listRuns(c, sweep.id, { states: ['running'] })).runs).toEqual([]);
  expect((await bestRun(c, sweep.id, { name: 'loss', goal: 'minimize', summary: 'best' }))?.runId).toBe(ids[5]);
  expect((await bestRun(c, sweep.id, { name: 'loss', goal: 'maximize', summary: 'best' }))?.runId).toBe(ids[0]);
});
