import { afterAll, beforeAll, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { Controller } from '../../src/controller/controller.js';
import { keys } from '../../src/store/keys.js';
import { holdLeaderLock, releaseLeaderLock } from '../../src/store/leader-lock.js';
import { createSweep } from '../../src/store/sweep-store.js';
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

async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('the lock: one holder, renewed only by its owner, released only by its owner', async () => {
  expect(await holdLeaderLock(c, 'sl', 'A', 500)).toBe(true);
  expect(await holdLeaderLock(c, 'sl', 'B', 500)).toBe(false);
  expect(await holdLeaderLock(c, 'sl', 'A', 5000)).toBe(true);
  expect(await c.pttl(keys.sweepLeader('sl'))).toBeGreaterThan(1000);
  await releaseLeaderLock(c, 'sl', 'B');
  expect(await c.get(keys.sweepLeader('sl'))).toBe('A');
  await releaseLeaderLock(c, 'sl', 'A');
  expect(await holdLeaderLock(c, 'sl', 'B', 500)).toBe(true);
});

test('two controllers never both lead a sweep; the second takes over when the first dies', async () => {
  const src = 'method: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n';
  const sweep = await createSweep(c, { config: parseSweepConfig(src), source: src });
  const connA = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  connA.on('error', () => {});
  const a = new Controller({ redis: connA, controllerId: 'A', pollMs: 30, leaderTtlMs: 600, log: () => {} });
  const b = new Controller({ redis: c, controllerId: 'B', pollMs: 30, leaderTtlMs: 600, log: () => {} });
  await a.start();
  await until('A leads', () => a.ledSweeps.includes(sweep.id));
  await b.start();
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 100));
    expect(b.ledSweeps).not.toContain(sweep.id);
    expect(await c.get(keys.sweepLeader(sweep.id))).toBe('A');
  }
  // A dies: its connection is gone, it renews nothing; B takes over after the TTL.
  connA.disconnect();
  await until('B leads', () => b.ledSweeps.includes(sweep.id));
  expect(await c.get(keys.sweepLeader(sweep.id))).toBe('B');
  await b.close();
  expect(await c.exists(keys.sweepLeader(sweep.id))).toBe(0);
  await a.close().catch(() => {});
});
