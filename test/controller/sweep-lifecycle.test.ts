import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import type { RunJob } from '../../src/queue/run-job.js';
import { reportEvent } from '../../src/store/attempt-lease.js';
import { keys } from '../../src/store/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startSimulatedAgent, type SimulatedAgent, type SimulatedAgentOptions } from './simulated-agent.js';

let redis: TestRedis;
let c: Redis;
let server: RunningServer;
const agents: SimulatedAgent[] = [];
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  server = await startServer({ port: 0, redisUrl: redis.url, controllerOptions: { pollMs: 30, leaseCheckMs: 200 }, log: () => {} });
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await server.close();
  await redis.stop();
});

interface Summary {
  id: string;
  state: string;
  stateReason: string | null;
  counts: Record<string, number>;
}

async function api<T>(method: string, path: string, body?: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { method, ...(body ? { body, headers: { 'content-type': 'text/yaml' } } : {}) });
  return (await res.json()) as T;
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function sweepWithAgents(yaml: string, n: number, options: Partial<SimulatedAgentOptions> = {}): Promise<string> {
  const { id } = await api<{ id: string }>('POST', '/api/sweeps', yaml);
  for (let i = 0; i < n; i++) {
    agents.push(await startSimulatedAgent(c, { id: `${id}-a${i}`, sweepId: id, slots: 1, steps: 5, stepMs: 20, leaseMs: 2000, ...options }));
  }
  return id;
}

const finished = (id: string) => until(`sweep ${id} finished`, async () => {
  const s = await api<Summary>('GET', `/api/sweeps/${id}`);
  return s.state === 'finished' || s.state === 'canceled' ? s : undefined;
});

test('a lost agent\'s run comes back as attempt 2; the lost attempt\'s late report is refused', async () => {
  let victim: RunJob | undefined;
  const fault = (job: RunJob) => {
    if (victim === undefined) {
      victim = job;
      return 'vanish' as const;
    }
    return undefined;
  };
  const id = await sweepWithAgents('method: grid\nmetric: {name: loss}\nparameters:\n  a: {values: [1, 2, 3]}\n', 2, { leaseMs: 500, fault, steps: 20, stepMs: 50 });
  const staleCount = async () => Number((await (await fetch(`${server.url}/metrics`)).text()).match(/hypersweep_stale_reports_refused_total (\d+)/)![1]);
  await until('attempt 2', async () => victim && (await c.hget(keys.run(id, victim.runId), 'attempt')) === '2');
  const before = await staleCount();
  // The lost attempt wakes up and reports: refused, whatever its seq.
  await reportEvent(c, id, { type: 'metrics', runId: victim!.runId, attempt: 1, token: victim!.token, seq: 99, rows: [{ _step: 50, loss: -1 }] });
  await until('stale report counted', async () => (await staleCount()) === before + 1);
  const s = await finished(id);
  expect(s.counts).toMatchObject({ finished: 3, crashed: 0, pending: 0 });
  const run = await api<{ attempt: number; attempts: Array<{ attempt: number; outcome: string }>; history: Array<{ _step: number; _attempt?: number; loss: number }> }>('GET', `/api/runs/${victim!.runId}`);
  expect(run.attempt).toBe(2);
  expect(run.attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, 'lost'], [2, 'finished']]);
  expect(run.history.some((r) => r.loss === -1)).toBe(false);
  expect(run.history.filter((r) => r._attempt === 2)).toHaveLength(20);
});

test('run_cap: a random sweep creates exactly run_cap runs and finishes', async () => {
  const id = await sweepWithAgents('method: random\nrun_cap: 7\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n', 3);
  const s = await finished(id);
  expect(s.stateReason).toMatch(/run_cap reached/);
  expect(s.counts.finished).toBe(7);
  expect(await c.zcard(keys.sweepRuns(id))).toBe(7);
});

test('metric.target: the sweep finishes once a run reaches it', async () => {
  const id = await sweepWithAgents('method: random\nmetric: {name: loss, goal: minimize, target: 0.05}\nparameters:\n  x: {min: 0.0, max: 1.0}\n', 2, {
    loss: (config) => config.x as number,
    steps: 3,
  });
  const s = await finished(id);
  expect(s.state).toBe('finished');
  expect(s.stateReason).toMatch(/metric\.target reached/);
  const best = await api<{ value: number }>('GET', `/api/sweeps/${id}/best`);
  expect(best.value).toBeLessThanOrEqual(0.05);
  const total = await c.zcard(keys.sweepRuns(id));
  await new Promise((r) => setTimeout(r, 500));
  expect(await c.zcard(keys.sweepRuns(id))).toBe(total);
}, 60_000);

test('pause stops proposals, resume restarts them, stop finishes with running runs ending normally', async () => {
  const id = await sweepWithAgents('method: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n', 2, { steps: 10, stepMs: 30 });
  await until('two runs', async () => (await c.zcard(keys.sweepRuns(id))) >= 2);
  expect((await api<Summary>('POST', `/api/sweeps/${id}/pause`)).state).toBe('paused');
  await new Promise((r) => setTimeout(r, 200));
  const frozen = await c.zcard(keys.sweepRuns(id));
  await new Promise((r) => setTimeout(r, 1200));
  expect(await c.zcard(keys.sweepRuns(id))).toBe(frozen);
  expect((await api<Summary>('POST', `/api/sweeps/${id}/resume`)).state).toBe('running');
  await until('new runs after resume', async () => (await c.zcard(keys.sweepRuns(id))) > frozen);
  await until('a running run', async () => (await api<Summary>('GET', `/api/sweeps/${id}`)).counts.running! > 0);
  const stopped = await api<Summary>('POST', `/api/sweeps/${id}/stop`);
  expect(stopped).toMatchObject({ state: 'finished', stateReason: 'stopped by user' });
  const settled = await until('runs settled', async () => {
    const s = await api<Summary>('GET', `/api/sweeps/${id}`);
    return s.counts.running === 0 && s.counts.pending === 0 ? s : undefined;
  });
  expect(settled.counts.finished).toBeGreaterThan(0);
  expect(settled.counts.stopped).toBe(0);
  const n = await c.zcard(keys.sweepRuns(id));
  await new Promise((r) => setTimeout(r, 300));
  expect(await c.zcard(keys.sweepRuns(id))).toBe(n);
});

test('cancel kills running runs (stop=cancel) and cancels pending ones', async () => {
  const id = await sweepWithAgents('method: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n', 2, { steps: 200, stepMs: 30 });
  await until('two running runs', async () => (await api<Summary>('GET', `/api/sweeps/${id}`)).counts.running === 2);
  expect((await api<Summary>('POST', `/api/sweeps/${id}/cancel`)).state).toBe('canceled');
  const s = await until('runs canceled', async () => {
    const x = await api<Summary>('GET', `/api/sweeps/${id}`);
    return x.counts.running === 0 && x.counts.pending === 0 ? x : undefined;
  }, 10_000);
  expect(s.counts.canceled).toBeGreaterThanOrEqual(2);
  expect(s.counts.finished).toBe(0);
  const runs = await api<{ runs: Array<{ stopReason: string | null; state: string }> }>('GET', `/api/sweeps/${id}/runs?state=canceled`);
  expect(runs.runs.every((r) => r.stopReason === 'sweep canceled')).toBe(true);
  expect((await api<{ error: { code: string } }>('POST', `/api/sweeps/${id}/pause`)).error.code).toBe('CONFLICT');
});

test('early termination: a run whose loss stops improving gets stop=stop with a reason and ends stopped', async () => {
  const id = await sweepWithAgents(
    'method: grid\nmetric: {name: loss}\nearly_terminate: {type: patience, patience: 2}\nparameters:\n  bad: {values: [true, false]}\n',
    2,
    { steps: 12, stepMs: 30, loss: (config, step) => (config.bad ? 1 + step : 1 / (1 + step)) },
  );
  const s = await finished(id);
  expect(s.counts).toMatchObject({ stopped: 1, finished: 1 });
  const runs = await api<{ runs: Array<{ stopReason: string | null; config: { bad: boolean }; steps: number }> }>('GET', `/api/sweeps/${id}/runs?state=stopped`);
  expect(runs.runs[0]!.config.bad).toBe(true);
  expect(runs.runs[0]!.stopReason).toBeTruthy();
  expect(runs.runs[0]!.steps).toBeLessThan(12);
});

test('the server refuses a non-loopback address without a token', async () => {
  await expect(startServer({ port: 0, host: '0.0.0.0', redisUrl: redis.url, controller: false })).rejects.toThrow(/without a token/);
  const s = await startServer({ port: 0, host: '0.0.0.0', redisUrl: redis.url, token: 't0ken', controller: false });
  try {
    expect((await fetch(`${s.url.replace('0.0.0.0', '127.0.0.1')}/api/sweeps`)).status).toBe(401);
  } finally {
    await s.close();
  }
});
