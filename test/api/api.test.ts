import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { createApp } from '../../src/api/create-app.js';
import { applyRunEvents } from '../../src/store/apply-run-event.js';
import { createRun, writeRunScores } from '../../src/store/run-store.js';
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
  const res = await fetch(`${base}${path}`, { method, body, headers: { ...headers, ...(body !== undefined ? { 'content-type': type } : {}) } });
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
    { id: runId, sweepId: id, state: 'running', config: { lr: 0.1, layers: 1 }, score: 0.25, attempt: 1, agentId: 'a1', slot: 'gpu0', createdAt: expect.any(Number), startedAt: 5, endedAt: null, exitCode: null, stopReason: null, reason: 'grid 1/6', steps: 2 },
  ]);
  const detail = await call('GET', `/api/sweeps/${id}/runs/${runId}?historyFrom=1`);
  expect(detail.body.history).toEqual([{ _step: 1, loss: 0.25 }]);
  expect(detail.body.attempts).toHaveLength(1);
  expect((await call('GET', `/api/runs/${runId}`)).body.history).toHaveLength(2);
  expect((await call('GET', `/api/sweeps/${id}/best`)).body).toEqual({ runId, config: { lr: 0.1, layers: 1 }, value: 0.25 });
  expect((await call('GET', `/api/sweeps/${json.body.id}/best`)).status).toBe(404);
  expect((await call('GET', `/api/sweeps/${id}/curves`)).body).toEqual({ metric: 'loss', runs: [{ id: runId, state: 'running', points: [[0, 0.5], [1, 0.25]] }] });
  expect((await call('GET', `/api/sweeps/${id}`)).body.best).toEqual({ runId, value: 0.25, config: { lr: 0.1, layers: 1 } });
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
  expect((await call('POST', '/api/sweeps', '<xml/>', 'application/xml')).status).toBe(400);
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
