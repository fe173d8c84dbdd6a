/**
 * High availability with Redis Sentinel (Debian's redis-sentinel): a primary, a replica and three
 * sentinels; the controller + API and two agent processes are given the Sentinel URL. The primary
 * is SIGKILLed in the middle of a grid sweep; the sentinels promote the replica; the old primary
 * is started again and the sentinels make it a replica (so the claims can be WAITed for again).
 * The sweep goes on: every config finishes exactly once, no two executions of a run overlap, every
 * finished run keeps all its metric points in order. With the replica gone, agents claim nothing
 * (an unacknowledged claim would cost the run an attempt) until it is back.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, onTestFailed, test } from 'vitest';
import type { RedisClient } from '../../src/store/redis-client.js';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { connectRedis } from '../../src/store/connect-redis.js';
import { keys } from '../../src/store/keys.js';
import { startRedisSentinel, type RedisSentinelSet } from '../helpers/redis-sentinel.js';
import { processesMentioning, scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from './agent-harness.js';

let set: RedisSentinelSet;
let c: RedisClient;
let server: RunningServer;
let tmp: Scratch;
const agents: AgentProcess[] = [];
const serverLog: string[] = [];
// Generous waits: at load 20 on two cores an agent took over a minute to print its first line.
// Time is not what these tests assert.
beforeAll(async () => {
  set = await startRedisSentinel({ replicas: 1 });
  c = connectRedis(set.url, { maxRetriesPerRequest: null });
  c.on('error', () => undefined);
  tmp = scratch();
  server = await startServer({ port: 0, redisUrl: set.url, controllerOptions: { pollMs: 50, leaseCheckMs: 300 }, log: (line: string) => serverLog.push(line) });
}, 180_000);
afterAll(async () => {
  for (const a of agents) await stopAgent(a);
  await server?.close();
  c?.disconnect();
  await set?.stop();
  tmp?.remove();
});

const STEPS = 8;
const LEASE_MS = 8000;
const SCRIPT = `
import json, os, sys, time
d = os.path.join(os.environ["SCRATCH"], "runs", os.environ["HYPERSWEEP_RUN_ID"])
os.makedirs(d, exist_ok=True)
f = open(os.path.join(d, os.environ["HYPERSWEEP_ATTEMPT"] + ".log"), "a", buffering=1)
cfg = json.load(open(os.environ["HYPERSWEEP_PARAMS_FILE"]))
for step in range(${STEPS}):
    f.write("%.6f\\n" % time.monotonic())
    print("@hypersweep " + json.dumps({"_step": step, "loss": cfg["x"] / (step + 1)}), flush=True)
    time.sleep(0.15)
f.write("%.6f\\n" % time.monotonic())
`;

/** On failure: what the sweep's runs, the agents and the controller were doing. */
async function explain(sweepId: string): Promise<void> {
  const runIds = await c.zrange(keys.sweepRuns(sweepId), 0, -1).catch(() => [] as string[]);
  const runs = await Promise.all(runIds.map((r) => c.hgetall(keys.run(sweepId, r)).then((h) => `${r} ${h.state} attempt ${h.attempt} ${h.message ?? ''}`)));
  const tails = agents.map((a, i) => `agent ${i}:\n${a.stderr().slice(-6000)}`);
  console.log(`runs:\n${runs.join('\n')}\n${tails.join('\n')}\nserver:\n${serverLog.slice(-60).join('\n')}`);
}

test('the primary SIGKILLed mid-sweep: the sentinels promote the replica and the sweep finishes, each config once, no overlap, no point lost', async () => {
  const program = tmp.file('sentinel-train.py', SCRIPT);
  const res = await fetch(`${server.url}/api/sweeps`, {
    method: 'POST',
    body: `method: grid\nmetric: {name: loss, goal: minimize}\nprogram: ${program}\nparameters:\n  x: {values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}\n`,
    headers: { 'content-type': 'text/yaml' },
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  onTestFailed(() => explain(id));
  // The lease must outlast how long a busy machine keeps the agent from running: its deadline is
  // 4/5 of a lease after the claim was sent. With 3 s, an agent starved for 2.4 s (load 20 on 2
  // cores) lost each attempt as it started, and the third loss ended the run crashed.
  for (let i = 0; i < 2; i++) {
    const a = spawnAgent(id, set.url, ['--slots', '1', '--lease-ms', String(LEASE_MS)], { SCRATCH: tmp.dir });
    agents.push(a);
  }
  await waitFor('two runs finished', async () => Number((await c.hget(keys.sweepCounts(id), 'finished')) ?? 0) >= 2, 180_000);
  const old = await set.primaryPort();
  await set.kill(old);
  const promoted = await set.waitForFailover(old);
  expect(promoted).not.toBe(old);
  await set.start(old);
  await waitFor('sweep finished', async () => (await c.hget(keys.sweep(id), 'state')) === 'finished', 180_000, 200);

  const runIds = await c.zrange(keys.sweepRuns(id), 0, -1);
  expect(runIds).toHaveLength(10);
  const configs = new Set<string>();
  for (const runId of runIds) {
    const run = await c.hgetall(keys.run(id, runId));
    expect(run.state, runId).toBe('finished');
    configs.add(run.config!);
    const rows = (await c.lrange(keys.runHistory(id, runId), 0, -1)).map((r) => JSON.parse(r) as { _step: number; _attempt?: number });
    const last = rows.filter((r) => (r._attempt ?? 1) === Number(run.attempt));
    expect(last.map((r) => r._step), runId).toEqual(Array.from({ length: STEPS }, (_, i) => i));
    // Executions of one run never overlap.
    const dir = join(tmp.dir, 'runs', runId);
    const spans = existsSync(dir)
      ? readdirSync(dir).map((f) => {
          const t = readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map(Number);
          return [t[0]!, t[t.length - 1]!] as const;
        })
      : [];
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0], `${runId} attempt overlap`).toBeGreaterThan(spans[i - 1]![1]);
  }
  expect(configs.size).toBe(10);
  const attempts = await Promise.all(runIds.map((r) => c.hget(keys.run(id, r), 'attempt')));
  console.log(`failover ${old} → ${promoted}; attempts per run: ${attempts.join(' ')}`);
  for (const a of agents) expect(await a.exited).toBe(0);
}, 480_000);

test('no replica in step: an agent claims nothing, and the run starts on its first attempt once the replica is back', async () => {
  const primary = await set.primaryPort();
  const replica = set.servers.find((s) => s.port !== primary)!.port;
  await set.kill(replica);
  const program = tmp.file('sentinel-train.py', SCRIPT);
  const res = await fetch(`${server.url}/api/sweeps`, {
    method: 'POST',
    body: `method: grid\nmetric: {name: loss, goal: minimize}\nprogram: ${program}\nparameters:\n  x: {values: [1]}\n`,
    headers: { 'content-type': 'text/yaml' },
  });
  expect(res.status).toBe(201);
  const { id } = (await res.json()) as { id: string };
  onTestFailed(() => explain(id));
  const a = spawnAgent(id, set.url, ['--slots', '1', '--lease-ms', String(LEASE_MS)], { SCRATCH: tmp.dir });
  agents.push(a);
  const runId = await waitFor('the run proposed', async () => (await c.zrange(keys.sweepRuns(id), 0, -1))[0], 120_000, 200);
  await waitFor('the agent up', () => a.stderr().includes(`sweep ${id}`), 120_000, 100);
  // A claim no replica acknowledged was given up and its lease left to lapse: attempt 2 a lease
  // and the re-queue margin later. Wait past that: the run must still be pending, attempt 1.
  await new Promise((r) => setTimeout(r, LEASE_MS + 4000));
  expect(await c.hmget(keys.run(id, runId), 'state', 'attempt')).toEqual(['pending', '1']);
  await set.start(replica);
  await waitFor('sweep finished', async () => (await c.hget(keys.sweep(id), 'state')) === 'finished', 180_000, 200);
  expect(await c.hmget(keys.run(id, runId), 'state', 'attempt')).toEqual(['finished', '1']);
  expect(await a.exited).toBe(0);
}, 480_000);

test('no script is left behind', async () => {
  for (const a of agents) await stopAgent(a);
  expect(processesMentioning(tmp.dir)).toEqual([]);
});
