/**
 * Several objectives and conditional parameters end to end: a real redis-server, the server
 * (controller + API) and simulated agents. The grid of a conditional space runs exactly its
 * valid configs; GET /best answers the Pareto set (checked against a brute-force filter of the
 * runs); targets finish the sweep only when one run meets all of them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
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

async function api<T>(method: string, path: string, body?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, { method, ...(body ? { body, headers: { 'content-type': 'text/yaml' } } : {}) });
  return { status: res.status, body: (await res.json()) as T };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function sweepWithAgents(yaml: string, n: number, options: Partial<SimulatedAgentOptions>): Promise<string> {
  const { body } = await api<{ id: string }>('POST', '/api/sweeps', yaml);
  for (let i = 0; i < n; i++) agents.push(await startSimulatedAgent(c, { id: `${body.id}-a${i}`, sweepId: body.id, slots: 1, steps: 2, stepMs: 10, leaseMs: 2000, ...options }));
  return body.id;
}

interface Summary { state: string; stateReason: string | null; counts: Record<string, number>; total: number | null }
interface RunRow { id: string; config: Record<string, unknown>; state: string }
type Values = Record<string, number | null>;

const finished = (id: string) =>
  until(`sweep ${id} finished`, async () => {
    const { body } = await api<Summary>('GET', `/api/sweeps/${id}`);
    return body.state === 'finished' && body.counts.running === 0 && body.counts.pending === 0 ? body : undefined;
  });

const GRID = `method: grid
metrics:
  - {name: loss, goal: minimize}
  - {name: acc, goal: maximize}
parameters:
  optimizer: {values: [sgd, adam, rmsprop]}
  lr: {values: [0.1, 0.01]}
  momentum: {values: [0.0, 0.9], when: {optimizer: [sgd, rmsprop]}}
  nesterov: {values: [true, false], when: {optimizer: sgd}}
  beta2: {values: [0.99, 0.999, 0.9999], when: {optimizer: adam}}
`;

/** Deterministic, conflicting objectives from a config. */
const lossOf = (config: Record<string, unknown>): number => (JSON.stringify(config).length * 37) % 100 / 100;
const accOf = (config: Record<string, unknown>): number => lossOf(config) * 0.8 + ((JSON.stringify(config).length * 13) % 10) / 20;

test('grid over a conditional space with two metrics: 18 runs without inactive keys; best is the Pareto set', async () => {
  const id = await sweepWithAgents(GRID, 3, { loss: (cfg) => lossOf(cfg), extra: (cfg) => ({ acc: accOf(cfg) }) });
  const s = await finished(id);
  expect(s.total).toBe(18);
  expect(s.counts.finished).toBe(18);
  const { body: page } = await api<{ runs: RunRow[] }>('GET', `/api/sweeps/${id}/runs?limit=100`);
  expect(page.runs).toHaveLength(18);
  for (const r of page.runs) {
    expect(Object.hasOwn(r.config, 'beta2')).toBe(r.config.optimizer === 'adam');
    expect(Object.hasOwn(r.config, 'nesterov')).toBe(r.config.optimizer === 'sgd');
    expect(Object.hasOwn(r.config, 'momentum')).toBe(r.config.optimizer !== 'adam');
  }

  const { body: objectives } = await api<{ metrics: Array<{ name: string }>; runs: Array<{ runId: string; values: Values; pareto: boolean }> }>('GET', `/api/sweeps/${id}/objectives`);
  expect(objectives.metrics.map((m) => m.name)).toEqual(['loss', 'acc']);
  expect(objectives.runs).toHaveLength(18);
  // brute force: not dominated by any other run (loss lower is better, acc higher is better)
  const pts = objectives.runs.map((r) => ({ id: r.runId, loss: r.values.loss!, acc: r.values.acc! }));
  const front = pts.filter((p) => !pts.some((q) => q !== p && q.loss <= p.loss && q.acc >= p.acc && (q.loss < p.loss || q.acc > p.acc)));
  expect(front.length).toBeGreaterThan(1); // the objectives conflict: a real front, not one winner
  expect(new Set(objectives.runs.filter((r) => r.pareto).map((r) => r.runId))).toEqual(new Set(front.map((p) => p.id)));

  const { status, body: best } = await api<{ pareto: Array<{ runId: string; config: Record<string, unknown>; values: Values }> }>('GET', `/api/sweeps/${id}/best`);
  expect(status).toBe(200);
  expect(best.pareto.map((m) => m.runId).sort()).toEqual(front.map((p) => p.id).sort());
  const losses = best.pareto.map((m) => m.values.loss!);
  expect(losses).toEqual([...losses].sort((a, b) => a - b)); // sorted by the first metric, best first
  for (const m of best.pareto) {
    expect(m.values).toEqual({ loss: lossOf(m.config), acc: accOf(m.config) });
    expect(m.config).toEqual(page.runs.find((r) => r.id === m.runId)!.config);
  }

  // hypersweep best prints the same set: --json the API's object, args one line per member
  const cli = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'best', id, '--url', server.url, ...args]);
  expect(JSON.parse((await cli('--json')).stdout)).toEqual(best);
  const lines = (await cli('--format', 'args')).stdout.trim().split('\n');
  expect(lines).toHaveLength(2 * best.pareto.length);
  expect(lines[0]).toBe(`# ${best.pareto[0]!.runId} loss=${best.pareto[0]!.values.loss} acc=${best.pareto[0]!.values.acc}`);
  expect(lines[1]).toContain(`--optimizer=${best.pareto[0]!.config.optimizer as string}`);
}, 90_000);

test('targets of several metrics: the sweep finishes when one run meets every target', async () => {
  const yaml = `method: random
run_cap: 300
metrics:
  - {name: loss, goal: minimize, target: 0.3}
  - {name: acc, goal: maximize, target: 0.7}
parameters:
  x: {min: 0.0, max: 1.0}
  y: {min: 0.0, max: 1.0}
`;
  const id = await sweepWithAgents(yaml, 3, { loss: (cfg) => cfg.x as number, extra: (cfg) => ({ acc: cfg.y as number }) });
  const s = await finished(id);
  expect(s.stateReason).toMatch(/^metrics targets reached: run (r[0-9a-f]{16}) has loss [\d.e-]+ \(target 0\.3\), acc [\d.e-]+ \(target 0\.7\)$/);
  const runId = /run (r[0-9a-f]{16})/.exec(s.stateReason!)![1]!;
  const { body: run } = await api<{ config: { x: number; y: number } }>('GET', `/api/sweeps/${id}/runs/${runId}`);
  expect(run.config.x).toBeLessThanOrEqual(0.3);
  expect(run.config.y).toBeGreaterThanOrEqual(0.7);
}, 90_000);
