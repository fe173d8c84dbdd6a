import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
let server: RunningServer;
beforeAll(async () => {
  redis = await startRedis();
  server = await startServer({ port: 0, redisUrl: redis.url, controllerOptions: { pollMs: 50 }, log: () => {} });
});
afterAll(async () => {
  await server.close();
  await redis.stop();
});

test('while Redis is down the API answers 503 JSON at once; when it is back, everything is still there', async () => {
  const created = await fetch(`${server.url}/api/sweeps`, { method: 'POST', body: 'method: random\nparameters:\n  x: {min: 0.0, max: 1.0}\n', headers: { 'content-type': 'text/yaml' } });
  const body = (await created.json()) as { id: string };
  expect(created.status, JSON.stringify(body)).toBe(201);
  const { id } = body;
  await redis.kill();
  const started = Date.now();
  const res = await fetch(`${server.url}/api/sweeps/${id}`);
  expect(res.status).toBe(503);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('REDIS_UNAVAILABLE');
  expect(Date.now() - started).toBeLessThan(10_000);
  await redis.start();
  let ok = false;
  for (let i = 0; i < 100 && !ok; i++) {
    const r = await fetch(`${server.url}/api/sweeps/${id}`);
    ok = r.status === 200 && ((await r.json()) as { id: string }).id === id;
    if (!ok) await new Promise((r) => setTimeout(r, 100));
  }
  expect(ok).toBe(true);
});
