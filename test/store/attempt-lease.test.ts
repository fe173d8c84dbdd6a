import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { claimAttempt, finishAttempt, renewLease, type LeaseHolder } from '../../src/store/attempt-lease.js';
import { keys } from '../../src/store/keys.js';
import { decodeRunEvent } from '../../src/store/run-events.js';
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

const holder: LeaseHolder = { sweepId: 's1', runId: 'r1', attempt: 1, token: 'T1', agentId: 'a1', slot: 'gpu0' };
const started = { host: 'h', pid: 1, at: 1 };

async function events(): Promise<string[]> {
  const entries = await c.xrange(keys.sweepEvents('s1'), '-', '+');
  return entries.map(([, fields]) => decodeRunEvent(fields)!.type);
}

test('claim, renew and finish an attempt; a stale token or a held lease is refused', async () => {
  await c.hset(keys.run('s1', 'r1'), { state: 'pending', token: 'T1', attempt: '1' });
  expect(await claimAttempt(c, { ...holder, token: 'T0' }, 5000, started)).toBe('stale');
  expect(await claimAttempt(c, holder, 5000, started)).toBe('ok');
  expect(await claimAttempt(c, { ...holder, agentId: 'a2' }, 5000, started)).toBe('taken');
  expect(await renewLease(c, holder, 5000)).toEqual({ held: true, stop: undefined });
  await c.hset(keys.run('s1', 'r1'), 'stop', 'stop');
  expect(await renewLease(c, holder, 5000)).toEqual({ held: true, stop: 'stop' });
  expect((await renewLease(c, { ...holder, agentId: 'a2' }, 5000)).held).toBe(false);
  await finishAttempt(c, holder, { outcome: 'stopped', exitCode: null, signal: 'SIGTERM', outputTail: '', at: 2 });
  expect(await c.get(keys.runLease('s1', 'r1'))).toBe('done|T1');
  expect(await events()).toEqual(['started', 'finished']);
  // The same job delivered again is stale, even before the controller applied the events.
  expect(await claimAttempt(c, { ...holder, agentId: 'a3' }, 5000, started)).toBe('stale');
  // The next attempt (new token, pending again) can be claimed over the old marker.
  await c.hset(keys.run('s1', 'r1'), { state: 'pending', token: 'T2', attempt: '2' });
  expect(await claimAttempt(c, { ...holder, attempt: 2, token: 'T2' }, 5000, started)).toBe('ok');
});

test('a run already running is not claimed again, even with its lease expired', async () => {
  await c.hset(keys.run('s1', 'r3'), { state: 'running', token: 'T1', attempt: '1' });
  expect(await claimAttempt(c, { ...holder, runId: 'r3' }, 5000, started)).toBe('stale');
});

test('an expired lease is lost', async () => {
  await c.hset(keys.run('s1', 'r2'), { state: 'pending', token: 'T1', attempt: '1' });
  const h = { ...holder, runId: 'r2' };
  expect(await claimAttempt(c, h, 50, started)).toBe('ok');
  await new Promise((r) => setTimeout(r, 120));
  expect((await renewLease(c, h, 5000)).held).toBe(false);
});
