/**
 * Nothing stuck, nothing started behind a pause (issue 12): a pending run whose job ended without
 * a claim is given a job again by the running leader within seconds (not only when a leader
 * starts); a paused sweep holds back its waiting jobs and the attempts it re-queues.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { keys } from '../../src/store/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startSimulatedAgent, type SimulatedAgent } from './simulated-agent.js';

let redis: TestRedis;
let c: Redis;
let server: RunningServer;
const agents: SimulatedAgent[] = [];
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  server = await startServer({ port: 0, redisUrl: redis.url, controllerOptions: { pollMs: 30, leaseCheckMs: 200, requeueMarginMs: 300 }, log: () => {} });
});
afterAll(async () => {
  for (const a of agents) await a.close();
  await server.close();
  await redis.stop();
});

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createSweep(yaml: string): Promise<string> {
  const res = await fetch(`${server.url}/api/sweeps`, { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const post = (path: string) => fetch(`${server.url}/api${path}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then((r) => r.json() as Promise<{ state: string }>);

test('a pending run whose job ended unclaimed (agent gone between taking and claiming) gets a job again from the running leader', async () => {
  const id = await createSweep('method: grid\nparameters:\n  x: {values: [1]}\n');
  let dropped = 0;
  const a = await startSimulatedAgent(c, { id: `${id}-a`, sweepId: id, slots: 1, steps: 3, stepMs: 20, leaseMs: 2000, fault: () => (dropped++ === 0 ? 'drop' : undefined) });
  agents.push(a);
  const t0 = Date.now();
  await until('sweep finished', async () => (await c.hget(keys.sweep(id), 'state')) === 'finished');
  expect(dropped).toBe(2);
  const [runId] = await c.zrange(keys.sweepRuns(id), 0, -1);
  expect(await c.hmget(keys.run(id, runId!), 'state', 'attempt')).toEqual(['finished', '1']);
  expect(a.executed).toEqual([`${runId}#1`]);
  // Repaired by the leader's periodic check (every 5 s), not only at leader start.
  expect(Date.now() - t0).toBeLessThan(15_000);
});

test('pause holds back waiting jobs and re-queued attempts; resume lets them run', async () => {
  const id = await createSweep('method: grid\nparameters:\n  x: {values: [1]}\n');
  // Agent A takes attempt 1 and vanishes (stops renewing); B waits idle.
  const a = await startSimulatedAgent(c, { id: `${id}-a`, sweepId: id, slots: 1, steps: 3, stepMs: 20, leaseMs: 600, fault: () => 'vanish' });
  agents.push(a);
  const [runId] = await until('attempt 1 running', async () => {
    const ids = await c.zrange(keys.sweepRuns(id), 0, -1);
    return ids.length > 0 && (await c.hget(keys.run(id, ids[0]!), 'state')) === 'running' ? ids : undefined;
  });
  expect((await post(`/sweeps/${id}/pause`)).state).toBe('paused');
  const b = await startSimulatedAgent(c, { id: `${id}-b`, sweepId: id, slots: 1, steps: 3, stepMs: 20, leaseMs: 2000 });
  agents.push(b);
  // The lease lapses; the paused sweep re-queues the run as attempt 2, and nobody starts it.
  await until('attempt 2 queued', async () => (await c.hget(keys.run(id, runId!), 'attempt')) === '2');
  await new Promise((r) => setTimeout(r, 1500));
  expect(await c.hmget(keys.run(id, runId!), 'state', 'attempt')).toEqual(['pending', '2']);
  expect(b.executed).toEqual([]);
  expect(a.executed).toEqual([`${runId}#1`]);
  expect((await post(`/sweeps/${id}/resume`)).state).toBe('running');
  await until('sweep finished', async () => (await c.hget(keys.sweep(id), 'state')) === 'finished');
  expect(await c.hget(keys.run(id, runId!), 'state')).toBe('finished');
  expect(b.executed.length).toBe(1);
}, 30_000);
