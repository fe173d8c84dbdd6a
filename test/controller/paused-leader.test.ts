/**
 * A fenced leader (issue 12): two controller processes; the one leading a sweep is frozen with
 * SIGSTOP for longer than its leader TTL, the other takes over, and the frozen one is woken. It
 * must notice that it was deposed (its fenced writes are refused inside Redis: see the store
 * contract) and step down; the sweep ends with every config run exactly once, no metric lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { keys } from '../../src/store/keys.js';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startSimulatedAgent, type SimulatedAgent } from './simulated-agent.js';

let redis: TestRedis;
let c: Redis;
const procs: Array<{ proc: ChildProcess; port: number; err: () => string }> = [];
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
});
afterAll(async () => {
  for (const p of procs) {
    try {
      p.proc.kill('SIGCONT');
    } catch {
      // gone
    }
    p.proc.kill('SIGKILL');
  }
  await redis.stop();
});

async function startController(): Promise<{ proc: ChildProcess; port: number; err: () => string }> {
  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'server', '--port', String(port), '--redis', redis.url, '--leader-ttl-ms', '1000', '--lease-check-ms', '300', '--poll-ms', '50'], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!out.includes('listening on')) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start: ${out} ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const p = { proc, port, err: () => err };
  procs.push(p);
  return p;
}

const STEPS = 10;

test('a leader frozen past its TTL wakes up deposed: it steps down, the other leads, every config runs once', async () => {
  const controllers = [await startController(), await startController()];
  const yaml = 'method: grid\nmetric: {name: loss, goal: minimize}\nparameters:\n  a: {values: [1, 2, 3, 4, 5]}\n  b: {values: [1, 2, 3, 4]}\n';
  const res = await fetch(`http://127.0.0.1:${controllers[0]!.port}/api/sweeps`, { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const agents: SimulatedAgent[] = [];
  for (let i = 0; i < 3; i++) agents.push(await startSimulatedAgent(c, { id: `p${i}`, sweepId: id, slots: 2, steps: STEPS, stepMs: 250, leaseMs: 3000 }));
  try {
    const leaderOf = async () => (await c.get(keys.sweepLeader(id))) ?? '';
    const until = async (what: string, fn: () => Promise<boolean>) => {
      const deadline = Date.now() + 20_000;
      while (!(await fn())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: leader ${await leaderOf()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until('a leader with runs going', async () => (await leaderOf()) !== '' && Number((await c.hget(keys.sweepCounts(id), 'running')) ?? 0) > 0);
    const frozen = (await leaderOf()).includes(`:${controllers[0]!.proc.pid}:`) ? controllers[0]! : controllers[1]!;
    const other = frozen === controllers[0] ? controllers[1]! : controllers[0]!;
    frozen.proc.kill('SIGSTOP');
    await until('the other controller leads', async () => (await leaderOf()).includes(`:${other.proc.pid}:`));
    await new Promise((r) => setTimeout(r, 1500));
    frozen.proc.kill('SIGCONT');
    const deadline = Date.now() + 60_000;
    while ((await c.hget(keys.sweep(id), 'state')) !== 'finished') {
      if (Date.now() > deadline) throw new Error(`sweep not finished: ${JSON.stringify(await c.hgetall(keys.sweepCounts(id)))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The woken controller noticed, by a refused write or by its lock renewal, and let go.
    await new Promise((r) => setTimeout(r, 1000));
    expect(frozen.err()).toMatch(/no longer its leader|lost the lead/);
    const runIds = await c.zrange(keys.sweepRuns(id), 0, -1);
    expect(runIds).toHaveLength(20);
    for (const runId of runIds) {
      expect(await c.hmget(keys.run(id, runId), 'state', 'attempt')).toEqual(['finished', '1']);
      const history = (await c.lrange(keys.runHistory(id, runId), 0, -1)).map((r) => JSON.parse(r) as { _step: number });
      expect(history.map((r) => r._step)).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    }
    expect(agents.flatMap((a) => a.executed).sort()).toEqual(runIds.map((r) => `${r}#1`).sort());
  } finally {
    await Promise.all(agents.map((a) => a.close()));
  }
}, 120_000);
