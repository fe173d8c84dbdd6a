/**
 * Never two copies of one run (issue 12, design.md "Reliability rules"), with a 6 s lease and the
 * real controller: agent A runs attempt 1 of a run, then (1) loses Redis for 20 s with its
 * connections left open (a TCP proxy that stops forwarding), or (2) is frozen with SIGSTOP for
 * 20 s while its script goes on. Agent B takes attempt 2. The scripts append a CLOCK_MONOTONIC
 * timestamp to a file every 20 ms: attempt 1's last one must come before attempt 2's first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { keys } from '../../src/store/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { processesMentioning, scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from './agent-harness.js';

let redis: TestRedis;
let c: Redis;
let server: RunningServer;
let tmp: Scratch;
const agents: AgentProcess[] = [];
const proxies: TcpProxy[] = [];
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  tmp = scratch();
  // The controller's defaults: lease check every 1 s, re-queue 2 s after the lease is gone.
  server = await startServer({ port: 0, redisUrl: redis.url, controllerOptions: { pollMs: 50 }, log: () => {} });
});
afterAll(async () => {
  for (const a of agents) {
    try {
      process.kill(a.proc.pid!, 'SIGCONT');
    } catch {
      // gone
    }
    await stopAgent(a);
  }
  for (const p of proxies) await p.close();
  await server.close();
  await redis.stop();
  tmp.remove();
});

const LEASE_MS = 6000;
const FAULT_MS = 20_000;

/** Attempt 1 runs 60 s (it must be killed), attempt 2 runs 1 s. */
const SCRIPT = `
import os, time
d = os.path.join(os.environ["SCRATCH"], os.environ["HYPERSWEEP_RUN_ID"])
os.makedirs(d, exist_ok=True)
attempt = os.environ["HYPERSWEEP_ATTEMPT"]
f = open(os.path.join(d, attempt + ".log"), "a", buffering=1)
end = time.monotonic() + (60 if attempt == "1" else 1)
while time.monotonic() < end:
    f.write("%.6f\\n" % time.monotonic())
    time.sleep(0.02)
`;

async function createSweep(tag: string): Promise<string> {
  const program = tmp.file(`lease-${tag}.py`, SCRIPT);
  const res = await fetch(`${server.url}/api/sweeps`, {
    method: 'POST',
    body: `method: grid\nprogram: ${program}\nparameters:\n  tag: {value: ${tag}}\n`,
    headers: { 'content-type': 'text/yaml' },
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

function agent(sweepId: string, url: string): AgentProcess {
  const a = spawnAgent(sweepId, url, ['--slots', '1', '--lease-ms', String(LEASE_MS)], { SCRATCH: tmp.dir });
  agents.push(a);
  return a;
}

function stamps(runId: string, attempt: number): number[] {
  const file = join(tmp.dir, runId, `${attempt}.log`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
}

/** Starts A (through `urlA`) on a fresh sweep, waits for attempt 1, starts B, injects the fault, checks the gap. */
async function scenario(tag: string, urlA: string, fault: { start(a: AgentProcess): void; end(a: AgentProcess): void }): Promise<number> {
  const sweepId = await createSweep(tag);
  const a = agent(sweepId, urlA);
  const runId = await waitFor('attempt 1 running', async () => (await c.zrange(keys.sweepRuns(sweepId), 0, -1))[0] && stamps((await c.zrange(keys.sweepRuns(sweepId), 0, -1))[0]!, 1).length > 0 && (await c.zrange(keys.sweepRuns(sweepId), 0, -1))[0], 30_000);
  const b = agent(sweepId, redis.url);
  await waitFor('agent B registered', async () => (await c.zcard(keys.sweepAgents(sweepId))) >= 2, 20_000);
  const faultAt = Date.now();
  fault.start(a);
  try {
    await waitFor('attempt 2 started', () => stamps(runId, 2).length > 0, FAULT_MS);
    await new Promise((r) => setTimeout(r, Math.max(0, faultAt + FAULT_MS - Date.now())));
  } finally {
    fault.end(a);
  }
  const run = await waitFor('run finished', async () => ((await c.hget(keys.run(sweepId, runId), 'state')) === 'finished' ? c.hgetall(keys.run(sweepId, runId)) : undefined), 30_000);
  expect(run.attempt).toBe('2');
  const attempts = (await c.lrange(keys.runAttempts(sweepId, runId), 0, -1)).map((x) => JSON.parse(x) as { attempt: number; outcome: string });
  expect(attempts.map((x) => [x.attempt, x.outcome])).toEqual([
    [1, 'lost'],
    [2, 'finished'],
  ]);
  expect(await a.exited).toBe(0);
  expect(await b.exited).toBe(0);
  const first = stamps(runId, 1);
  const second = stamps(runId, 2);
  const gapMs = (second[0]! - first[first.length - 1]!) * 1000;
  console.log(`${tag}: attempt 1 last sign of life → attempt 2 start: ${gapMs.toFixed(0)} ms gap`);
  expect(gapMs).toBeGreaterThan(0);
  // Attempt 1 lived at least until shortly before its deadline (it was not killed for nothing).
  expect(first.length).toBeGreaterThan(10);
  return gapMs;
}

test('agent A cut off from Redis for 20 s (bytes held, connections open): attempt 1 is dead before attempt 2 starts', async () => {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: redis.port });
  proxies.push(proxy);
  await scenario('partition', proxy.url, { start: () => proxy.partition(), end: () => proxy.heal() });
}, 120_000);

test('agent A frozen by SIGSTOP for 20 s while its script runs: the sentinel kills the script before attempt 2 starts', async () => {
  await scenario('sigstop', redis.url, {
    start: (a) => process.kill(a.proc.pid!, 'SIGSTOP'),
    end: (a) => process.kill(a.proc.pid!, 'SIGCONT'),
  });
}, 120_000);

test('no script is left behind', async () => {
  for (const a of agents) await stopAgent(a);
  await waitFor('no leftover script', () => processesMentioning(tmp.dir).length === 0 || undefined, 3000).catch(() => undefined);
  expect(processesMentioning(tmp.dir)).toEqual([]);
});
