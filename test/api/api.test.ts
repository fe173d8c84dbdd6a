import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { createApp } from '../../src/api/create-app.js';
import { applyRunEvents } from '../../src/store/apply-run-event.js';
import { crashRun, createRun, writeRunScores } from '../../src/store/run-store.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let c: Redis;
let server: Server;
let base: string;
const TOKEN = 'sekret-token';
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  const app = createApp({ redis: c, token: TOKEN, log: () => {} });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await redis.stop();
});

const auth = { authorization: `Bearer ${TOKEN}` };
async function call(method: string, path: string, body?: string, type = 'text/yaml', headers: Record<string, string> = auth) {
  // State-changing requests carry a JSON or YAML type, bodiless ones too (cross-site guard).
  const res = await fetch(`${base}${path}`, { method, body, headers: { ...headers, ...(body !== undefined ? { 'content-type': type } : method === 'POST' ? { 'content-type': 'application/json' } : {}) } });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

const YAML = `name: demo
method: grid
metric:
  name: loss
  goal: minimize
parameters:
  lr:
    values: [0.1, 0.01]
  layers:
    values: [1, 2, 3]
`;

test('POST /api/sweeps creates a sweep from YAML; list, detail, runs, best, curves', async () => {
  const created = await call('POST', '/api/sweeps', YAML);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect(created.body).toMatchObject({ name: 'demo', method: 'grid', state: 'running', stateReason: null, total: 6, best: null, source: YAML, metric: { name: 'loss', goal: 'minimize' } });
  expect(created.body.counts).toEqual({ pending: 0, running: 0, finished: 0, failed: 0, crashed: 0, stopped: 0, canceled: 0 });
  expect(typeof created.body.seed).toBe('number');
  expect(created.body.config.parameters.lr).toBeDefined();

  const json = await call('POST', '/api/sweeps', JSON.stringify({ method: 'random', parameters: { x: { min: 0, max: 1 } }, run_cap: 5 }), 'application/json');
  expect(json.status).toBe(201);
  const list = await call('GET', '/api/sweeps');
  expect(list.body.sweeps.map((s: { id: string }) => s.id)).toEqual([json.body.id, id]);
  expect(list.body.sweeps[0].total).toBe(5);

  const { runId, token } = await createRun(c, { sweepId: id, config: { lr: 0.1, layers: 1 }, reason: 'grid 1/6' });
  await applyRunEvents(
    c,
    id,
    [
      { type: 'started', runId, attempt: 1, token, agentId: 'a1', slot: 'gpu0', host: 'h', pid: 1, at: 5 },
      { type: 'metrics', runId, attempt: 1, token, seq: 1, rows: [{ _step: 0, loss: 0.5 }, { _step: 1, loss: 0.25 }] },
    ],
    { maxAttempts: 3, retryFailed: false, allowRequeue: true },
  );
  await writeRunScores(c, id, [{ runId, score: 0.25 }]);
  const runs = await call('GET', `/api/sweeps/${id}/runs?state=running&sort=-score`);
  expect(runs.body.next).toBeNull();
  expect(runs.body.runs).toEqual([
    { id: runId, sweepId: id, state: 'running', config: { lr: 0.1, layers: 1 }, score: 0.25, attempt: 1, agentId: 'a1', slot: 'gpu0', createdAt: expect.any(Number), startedAt: 5, endedAt: null, exitCode: null, stopReason: null, reason: 'grid 1/6', version: 1, steps: 2 },
  ]);
  const detail = await call('GET', `/api/sweeps/${id}/runs/${runId}?historyFrom=1`);
  expect(detail.body.history).toEqual([{ _step: 1, loss: 0.25 }]);
  expect(detail.body.attempts).toHaveLength(1);
  expect((await call('GET', `/api/runs/${runId}`)).body.history).toHaveLength(2);
  expect((await call('GET', `/api/sweeps/${id}/best`)).body).toEqual({ runId, config: { lr: 0.1, layers: 1 }, value: 0.25 });
  expect((await call('GET', `/api/sweeps/${json.body.id}/best`)).status).toBe(404);
  expect((await call('GET', `/api/sweeps/${id}/curves`)).body).toEqual({ metric: 'loss', runs: [{ id: runId, state: 'running', points: [[0, 0.5], [1, 0.25]] }] });
  expect((await call('GET', `/api/sweeps/${id}`)).body.best).toEqual({ runId, value: 0.25, config: { lr: 0.1, layers: 1 } });
  expect(detail.body.message).toBeNull();
});

test('curves stay right across calls (new points, end, retry); the run detail carries its message', async () => {
  const id = (await call('POST', '/api/sweeps', YAML)).body.id as string;
  const policy = { maxAttempts: 3, retryFailed: false, allowRequeue: true };
  const a = await createRun(c, { sweepId: id, config: { lr: 0.1, layers: 2 }, reason: 'grid 2/6' });
  const b = await createRun(c, { sweepId: id, config: { lr: 0.01, layers: 2 }, reason: 'grid 5/6' });
  await applyRunEvents(
    c,
    id,
    [
      { type: 'started', runId: a.runId, attempt: 1, token: a.token, agentId: 'a1', slot: 'gpu0', host: 'h', pid: 1, at: 5 },
      { type: 'metrics', runId: a.runId, attempt: 1, token: a.token, seq: 1, rows: [{ _step: 0, loss: 0.5, acc: 0.1 }] },
      { type: 'started', runId: b.runId, attempt: 1, token: b.token, agentId: 'a1', slot: 'gpu1', host: 'h', pid: 2, at: 5 },
      { type: 'metrics', runId: b.runId, attempt: 1, token: b.token, seq: 1, rows: [{ _step: 0, loss: 0.9 }, { _step: 1, loss: 0.8 }] },
    ],
    policy,
  );
  const curves = async (metric?: string) => {
    const res = await fetch(`${base}/api/sweeps/${id}/curves${metric ? `?metric=${metric}` : ''}`, { headers: auth });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return (await res.json()) as { metric: string; runs: Array<{ id: string; state: string; points: number[][] }> };
  };
  expect(await curves()).toEqual({
    metric: 'loss',
    runs: [
      { id: a.runId, state: 'running', points: [[0, 0.5]] },
      { id: b.runId, state: 'running', points: [[0, 0.9], [1, 0.8]] },
    ],
  });
  expect((await curves('acc')).runs.map((r) => r.points)).toEqual([[[0, 0.1]], []]);

  // a logs more and times out (its message); b's agent is lost: re-queued, attempt 2 logs afresh.
  await applyRunEvents(
    c,
    id,
    [
      { type: 'metrics', runId: a.runId, attempt: 1, token: a.token, seq: 2, rows: [{ _step: 1, loss: 0.4 }] },
      { type: 'finished', runId: a.runId, attempt: 1, token: a.token, outcome: 'failed', exitCode: null, signal: 'SIGKILL', message: 'timed out after 600 s; killed by SIGKILL', outputTail: '', at: 9 },
    ],
    policy,
  );
  const retry = await crashRun(c, id, b.runId, b.token, { maxAttempts: 3, allowRequeue: true });
  expect(retry.result).toBe('requeued');
  const token2 = (retry as { token: string }).token;
  await applyRunEvents(
    c,
    id,
    [
      { type: 'started', runId: b.runId, attempt: 2, token: token2, agentId: 'a2', slot: 'gpu0', host: 'h', pid: 3, at: 10 },
      { type: 'metrics', runId: b.runId, attempt: 2, token: token2, seq: 1, rows: [{ _step: 0, loss: 0.7 }] },
    ],
    policy,
  );
  expect((await curves()).runs).toEqual([
    { id: a.runId, state: 'failed', points: [[0, 0.5], [1, 0.4]] },
    { id: b.runId, state: 'running', points: [[0, 0.7]] },
  ]);
  expect((await curves()).runs[0]!.points).toEqual([[0, 0.5], [1, 0.4]]);

  const ended = await call('GET', `/api/sweeps/${id}/runs/${a.runId}`);
  expect(ended.body).toMatchObject({ state: 'failed', message: 'timed out after 600 s; killed by SIGKILL' });
  expect((await call('GET', `/api/runs/${a.runId}`)).body.message).toBe('timed out after 600 s; killed by SIGKILL');
  expect((await call('GET', `/api/runs/${b.runId}`)).body).toMatchObject({ state: 'running', attempt: 2, message: null });
  // Lost again with no attempts left to retry: the controller's words.
  expect((await crashRun(c, id, b.runId, token2, { maxAttempts: 1, allowRequeue: true })).result).toBe('crashed');
  expect((await call('GET', `/api/sweeps/${id}/runs/${b.runId}`)).body).toMatchObject({ state: 'crashed', message: 'agent lost (lease expired)' });
});

test('errors are 4xx JSON: invalid sweep file with issues, unknown ids, bad query, too large, illegal transition', async () => {
  const bad = await call('POST', '/api/sweeps', 'method: grid\nparameters:\n  lr: {min: 1, max: 0.1}\n');
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('CONFIG_INVALID');
  expect(bad.body.error.issues.length).toBeGreaterThan(0);
  expect(bad.body.error.issues[0]).toHaveProperty('line');
  expect((await call('GET', '/api/sweeps/snope')).body.error.code).toBe('NOT_FOUND');
  expect((await call('GET', '/api/sweeps/snope')).status).toBe(404);
  expect((await call('GET', '/api/runs/rnope')).status).toBe(404);
  expect((await call('GET', '/api/runs/r0123456789abcdef')).status).toBe(404);
  expect((await call('GET', `/api/sweeps/${encodeURIComponent('x:runs')}`)).body.error.code).toBe('NOT_FOUND');
  expect((await call('GET', '/api/nothing')).status).toBe(404);
  expect((await call('POST', '/api/sweeps', 'x'.repeat(1_100_000))).status).toBe(413);
  expect((await call('POST', '/api/sweeps', '<xml/>', 'application/xml')).status).toBe(415); // not JSON or YAML: refused before any route
  const s = await call('POST', '/api/sweeps', YAML);
  expect((await call('GET', `/api/sweeps/${s.body.id}/runs?sort=bogus`)).status).toBe(400);
  expect((await call('GET', `/api/sweeps/${s.body.id}/runs?state=zombie`)).status).toBe(400);
  expect((await call('GET', `/api/sweeps/${s.body.id}/runs?cursor=zzz`)).status).toBe(400);
  expect((await call('POST', `/api/sweeps/${s.body.id}/resume`)).status).toBe(409);
  const paused = await call('POST', `/api/sweeps/${s.body.id}/pause`);
  expect(paused.body).toMatchObject({ state: 'paused', stateReason: 'paused by user' });
  expect((await call('POST', `/api/sweeps/${s.body.id}/pause`)).status).toBe(409);
  expect((await call('POST', `/api/sweeps/${s.body.id}/resume`)).body.state).toBe('running');
  const stopped = await call('POST', `/api/sweeps/${s.body.id}/stop`);
  expect(stopped.body).toMatchObject({ state: 'finished', finishedAt: expect.any(Number) });
  expect((await call('POST', `/api/sweeps/${s.body.id}/stop`)).body.error.code).toBe('CONFLICT');
});

test('bearer auth on /api, not on /healthz and /metrics', async () => {
  expect((await call('GET', '/api/sweeps', undefined, undefined, {})).status).toBe(401);
  const wrong = await call('GET', '/api/sweeps', undefined, undefined, { authorization: 'Bearer sekret-tokem' });
  expect(wrong.status).toBe(401);
  expect(wrong.body.error.code).toBe('UNAUTHORIZED');
  expect((await call('GET', '/healthz', undefined, undefined, {})).body).toEqual({ ok: true });
  const metrics = await call('GET', '/metrics', undefined, undefined, {});
  expect(metrics.body).toContain('hypersweep_sweeps{state="running"}');
  expect(metrics.body).toContain('hypersweep_stale_reports_refused_total 0');
});
