import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { keys } from '../../src/store/keys.js';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startSimulatedAgent, type SimulatedAgent } from './simulated-agent.js';

let redis: TestRedis;
let c: Redis;
let port: number;
let proc: ChildProcess | undefined;
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  port = await freePort();
});
afterAll(async () => {
  proc?.kill('SIGKILL');
  await redis.stop();
});

async function startController(): Promise<void> {
  const p = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'server', '--port', String(port), '--redis', redis.url, '--leader-ttl-ms', '1000', '--lease-check-ms', '300', '--poll-ms', '50'],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc = p;
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr!.on('data', () => {});
  const deadline = Date.now() + 20_000;
  while (!out.includes('listening on')) {
    if (p.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function killController(): Promise<void> {
  const p = proc!;
  await new Promise<void>((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}

const STEPS = 12;

test('the controller SIGKILLed 5 times during a sweep: every config runs once, no run or metric point lost', async () => {
  await startController();
  const yaml = 'method: grid\nmetric: {name: loss, goal: minimize}\nparameters:\n  a: {values: [1, 2, 3, 4, 5, 6]}\n  b: {values: [1, 2, 3, 4, 5]}\n';
  const res = await fetch(`http://127.0.0.1:${port}/api/sweeps`, { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const agents: SimulatedAgent[] = [];
  for (let i = 0; i < 4; i++) agents.push(await startSimulatedAgent(c, { id: `k${i}`, sweepId: id, slots: 2, steps: STEPS, stepMs: 40, leaseMs: 3000 }));
  try {
    for (let k = 0; k < 5; k++) {
      await new Promise((r) => setTimeout(r, 700 + 300 * k));
      await killController();
      await new Promise((r) => setTimeout(r, 200));
      await startController();
    }
    const deadline = Date.now() + 60_000;
    while ((await c.hget(keys.sweep(id), 'state')) !== 'finished') {
      if (Date.now() > deadline) throw new Error(`sweep not finished: ${JSON.stringify(await c.hgetall(keys.sweepCounts(id)))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const runIds = await c.zrange(keys.sweepRuns(id), 0, -1);
    expect(runIds).toHaveLength(30);
    const configs = new Set<string>();
    for (const runId of runIds) {
      const run = await c.hgetall(keys.run(id, runId));
      expect(run.state).toBe('finished');
      expect(run.attempt).toBe('1');
      configs.add(run.config!);
      const history = (await c.lrange(keys.runHistory(id, runId), 0, -1)).map((r) => JSON.parse(r) as { _step: number });
      expect(history.map((r) => r._step)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    }
    expect(configs.size).toBe(30);
    const executed = agents.flatMap((a) => a.executed);
    expect(executed.sort()).toEqual(runIds.map((r) => `${r}#1`).sort());
    expect(await c.hgetall(keys.sweepCounts(id))).toMatchObject({ finished: '30', pending: '0', running: '0' });
  } finally {
    await Promise.all(agents.map((a) => a.close()));
  }
}, 120_000);
