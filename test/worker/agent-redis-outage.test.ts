/** Redis goes away for longer than the lease: the agent kills its script (its lease is gone), survives, and reports once Redis is back. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { keys } from '../../src/store/keys.js';
import { HEARTBEAT_MS } from '../../worker/agent.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, pidAlive, scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from './agent-harness.js';

let redis: TestRedis;
let c: Redis;
let tmp: Scratch;
let agent: AgentProcess | undefined;
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  c.on('error', () => undefined); // Redis is killed on purpose below
  tmp = scratch();
});
afterAll(async () => {
  if (agent) await stopAgent(agent);
  await closeQueues();
  await redis.stop();
  tmp.remove();
});

test('Redis down longer than the lease: the script is killed while Redis is away, the run is reported lost after it returns, the agent lives on', async () => {
  const script = tmp.file('loop.py', 'import os, time\nopen(os.path.join(os.environ["SCRATCH"], "pid"), "w").write(str(os.getpid()))\nwhile True: time.sleep(0.05)\n');
  await createSweep(c, 'so');
  await enqueueRun(c, redis.url, { sweepId: 'so', runId: 'ro', program: script });
  agent = spawnAgent('so', redis.url, ['--slots', '1', '--lease-ms', '1500'], { SCRATCH: tmp.dir });
  const pidFile = join(tmp.dir, 'pid');
  await waitFor('script started', () => existsSync(pidFile));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  await redis.kill();
  await waitFor('script killed while Redis is down', () => !pidAlive(pid), 5000);
  expect(agent.proc.exitCode).toBeNull();
  await redis.start();
  const fin = await waitFor('finished after Redis returned', () => finishedEvent(c, 'so', 'ro'), 20_000);
  expect(fin.outcome).toBe('lost');
  const id = (await c.zrange(keys.sweepAgents('so'), 0, -1))[0]!;
  const seen = Number(await c.hget(keys.agent('so', id), 'lastSeen'));
  // A beat within PRESENCE_REFRESH_MS of the last presence write only reads: lastSeen moves within two heartbeats.
  await waitFor('heartbeats again', async () => Number(await c.hget(keys.agent('so', id), 'lastSeen')) > seen, 2 * HEARTBEAT_MS + 1000);
  expect(agent.proc.exitCode).toBeNull();
});
