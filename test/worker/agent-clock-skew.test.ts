/**
 * No wall clocks across hosts (issue 12): an agent whose clock is 20 s behind the controller's
 * (Debian's faketime on a real agent process) is still live, so the controller proposes runs for
 * its idle slot, and a run it executes finishes normally (its lease is a Redis TTL).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { keys } from '../../src/store/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from './agent-harness.js';

let redis: TestRedis;
let c: Redis;
let server: RunningServer;
let tmp: Scratch;
const agents: AgentProcess[] = [];
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  tmp = scratch();
  server = await startServer({ port: 0, redisUrl: redis.url, controllerOptions: { pollMs: 50 }, log: () => {} });
});
afterAll(async () => {
  for (const a of agents) await stopAgent(a);
  await server.close();
  await redis.stop();
  tmp.remove();
});

for (const skew of ['-20s', '+20s']) {
  test(`an agent whose clock is ${skew.slice(1)} ${skew[0] === '-' ? 'behind' : 'ahead'} is live: runs are proposed for it and finish`, async () => {
    const program = tmp.file(`skew${skew[0] === '-' ? 'b' : 'a'}.py`, 'import time\nprint("@hypersweep {\\"loss\\": 1}", flush=True)\ntime.sleep(0.3)\n');
    const res = await fetch(`${server.url}/api/sweeps`, {
      method: 'POST',
      body: `method: random\nrun_cap: 3\nmetric: {name: loss, goal: minimize}\nprogram: ${program}\nparameters:\n  x: {min: 0.0, max: 1.0}\n`,
      headers: { 'content-type': 'text/yaml' },
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const a = spawnAgent(id, redis.url, ['--slots', '1', '--lease-ms', '3000'], { FAKETIME_NO_CACHE: '1' }, undefined, ['faketime', '-f', skew]);
    agents.push(a);
    await waitFor('sweep finished', async () => (await c.hget(keys.sweep(id), 'state')) === 'finished', 40_000, 100);
    const counts = await c.hgetall(keys.sweepCounts(id));
    expect(Number(counts.finished)).toBe(3);
    expect(await a.exited).toBe(0);
  }, 60_000);
}
