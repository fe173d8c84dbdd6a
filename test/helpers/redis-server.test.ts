import { afterAll, beforeAll, expect, test } from 'vitest';
import { startRedis, type TestRedis } from './redis-server.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

test('a private redis-server keeps data across a SIGKILL restart (append-only file)', async () => {
  const c = redis.client();
  await c.set('k', 'v');
  await redis.restart();
  const c2 = redis.client();
  expect(await c2.get('k')).toBe('v');
  expect(redis.port).not.toBe(6379);
});
