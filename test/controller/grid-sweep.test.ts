import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { keys } from '../../src/store/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startSimulatedAgent, type SimulatedAgent } from './simulated-agent.js';

let redis: TestRedis;
let c: Redis;
let server: RunningServer;
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  server = await startServer({ port: 0, redisUrl: redis.url, controllerOptions: { pollMs: 50, leaseCheckMs: 300 }, log: () => {} });
});
afterAll(async () => {
  await server.close();
  await redis.stop();
});

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a 24-point grid with 6 agents ends with exactly 24 finished runs, no config twice, sweep finished', async () => {
  const yaml = 'method: grid\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {values: [0.1, 0.01, 0.001, 0.0001]}\n  layers: {values: [1, 2, 3]}\n  act: {values: [relu, tanh]}\n';
  const res = await fetch(`${server.url}/api/sweeps`, { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } });
  const sweep = (await res.json()) as { id: string };
  const agents: SimulatedAgent[] = [];
  for (let i = 0; i < 6; i++) agents.push(await startSimulatedAgent(c, { id: `agent${i}`, sweepId: sweep.id, slots: 1, steps: 5, stepMs: 20, leaseMs: 2000 }));
  try {
    const done = await until('sweep finished', async () => {
      const s = (await (await fetch(`${server.url}/api/sweeps/${sweep.id}`)).json()) as { state: string; counts: Record<string, number>; stateReason: string | null };
      return s.state === 'finished' ? s : undefined;
    });
    expect(done.counts).toEqual({ pending: 0, running: 0, finished: 24, failed: 0, crashed: 0, stopped: 0, canceled: 0 });
    expect(done.stateReason).toMatch(/grid exhausted/);
    const executed = agents.flatMap((a) => a.executed);
    expect(executed).toHaveLength(24);
    expect(new Set(executed).size).toBe(24);
    const page = (await (await fetch(`${server.url}/api/sweeps/${sweep.id}/runs?limit=100`)).json()) as { runs: Array<{ config: unknown; steps: number; state: string }> };
    expect(new Set(page.runs.map((r) => JSON.stringify(r.config))).size).toBe(24);
    expect(page.runs.every((r) => r.steps === 5 && r.state === 'finished')).toBe(true);
    // Agents learn it from the sweep hash.
    expect(await c.hget(keys.sweep(sweep.id), 'state')).toBe('finished');
    const best = (await (await fetch(`${server.url}/api/sweeps/${sweep.id}/best`)).json()) as { value: number };
    expect(best.value).toBeCloseTo(0.2 + Math.min(...page.runs.map((r) => (JSON.stringify(r.config).length % 7) / 10)), 6);
  } finally {
    await Promise.all(agents.map((a) => a.close()));
  }
});
