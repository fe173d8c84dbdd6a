/**
 * Redis connections are bounded per process, whatever the work: an agent holds 3 (commands
 * shared with its BullMQ worker, the subscriber, the worker's one blocking connection) with 1
 * slot and with 8 slots, idle and with every slot busy; a controller holds 2 (commands, the
 * wake subscriber) however many sweeps it leads; the API server holds 3 (controller, API, wake
 * subscriber). Counted on the server (CLIENT LIST), by delta and by name.
 */
import { afterAll, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { Controller } from '../../src/controller/controller.js';
import { startServer } from '../../src/api/start-server.js';
import { createRuns } from '../../src/store/run-store.js';
import { createSweep } from '../../src/store/sweep-store.js';
import { Agent } from '../../worker/agent.js';
import { redisForFile } from '../helpers/redis-server.js';
import { closeQueues, createSweep as createBareSweep, enqueueRun, queueFor } from './agent-harness.js';

const r = redisForFile();
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

afterAll(async () => {
  await closeQueues();
});

/** Client connections the server sees, ours (the test's own client) excluded. */
async function clients(): Promise<string[]> {
  const list = (await r.client.client('LIST')) as string;
  const me = await r.client.client('ID');
  return list
    .split('\n')
    .filter((l) => l.startsWith('id=') && !l.startsWith(`id=${me} `));
}

async function settle(expected: (n: number) => boolean, timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = (await clients()).length;
  while (!expected(n) && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 25));
    n = (await clients()).length;
  }
  return n;
}

async function withAgent(sweepId: string, slots: number, body: (agent: Agent) => Promise<void>): Promise<void> {
  const agent = new Agent({
    sweepId,
    redisUrl: r.server.url,
    slots: Array.from({ length: slots }, (_, i) => ({ name: `cpu${i}`, env: {} })),
    log: silent,
    interpreter: 'python3',
    reapOrphans: false,
    heartbeatMs: 100,
  });
  await agent.start();
  try {
    await body(agent);
  } finally {
    await agent.shutdown('test');
  }
}

test.each([1, 8])('an agent with %i slot(s) holds 3 connections, idle and with every slot busy', async (slots) => {
  const sweepId = `conn${slots}`;
  await createBareSweep(r.client, sweepId);
  // The test's queue (it adds the jobs) has its own connection: counted in the baseline.
  await queueFor(r.server.url, sweepId).waitUntilReady();
  const base = await settle((n) => n === 1);
  expect(base).toBe(1);
  await withAgent(sweepId, slots, async (agent) => {
    // The blocking connection comes up with the worker's first fetch.
    expect(await settle((n) => n >= base + 3)).toBe(base + 3);
    const named = (await clients()).filter((l) => l.includes(agent.id));
    expect(named).toHaveLength(3);
    for (let i = 0; i < slots; i++) await enqueueRun(r.client, r.server.url, { sweepId, runId: `${sweepId}r${i}`, command: ['sleep', '1'] });
    const deadline = Date.now() + 10_000;
    while (agent.attempts.size < slots && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(agent.attempts.size).toBe(slots);
    expect((await clients()).length).toBe(base + 3);
  });
  await closeQueues();
  expect(await settle((n) => n === 0)).toBe(0);
});

test('a controller holds 2 connections however many sweeps it leads', async () => {
  const source = 'method: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n';
  const sweeps = [];
  for (let i = 0; i < 5; i++) sweeps.push(await createSweep(r.client, { config: parseSweepConfig(source), source }));
  await createRuns(r.client, [{ sweepId: sweeps[0]!.id, config: { x: 0.5 }, reason: 'test' }]);
  expect(await settle((n) => n === 0)).toBe(0);
  const redis = new Redis(r.server.url, { maxRetriesPerRequest: null });
  const controller = new Controller({ redis, pollMs: 20, log: () => {} });
  await controller.start();
  try {
    const deadline = Date.now() + 10_000;
    while (controller.ledSweeps.length < 5 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(controller.ledSweeps.length).toBe(5);
    // A few rounds over every sweep (each has a BullMQ queue, on the shared connection).
    await new Promise((res) => setTimeout(res, 200));
    expect((await clients()).length).toBe(2);
  } finally {
    await controller.close();
    redis.disconnect();
  }
  expect(await settle((n) => n === 0)).toBe(0);
});

test('the API server (with its controller) holds 3 connections', async () => {
  expect(await settle((n) => n === 0)).toBe(0);
  const server = await startServer({ port: 0, redisUrl: r.server.url, log: () => {}, controllerOptions: { pollMs: 20 } });
  try {
    for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/api/sweeps`)).status).toBe(200);
    await new Promise((res) => setTimeout(res, 200));
    expect(server.controller?.ledSweeps.length).toBeGreaterThan(0);
    expect((await clients()).length).toBe(3);
  } finally {
    await server.close();
  }
  expect(await settle((n) => n === 0)).toBe(0);
});
