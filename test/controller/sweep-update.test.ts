import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { startSimulatedAgent, type SimulatedAgent } from './simulated-agent.js';

const exec = promisify(execFile);
const REPO = join(import.meta.dirname, '../..');

let redis: TestRedis;
let c: Redis;
let server: RunningServer;
let dir: string;
const agents: SimulatedAgent[] = [];
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  server = await startServer({ port: 0, redisUrl: redis.url, controllerOptions: { pollMs: 30, leaseCheckMs: 200 }, log: () => {} });
  dir = mkdtempSync(join(tmpdir(), 'hs-update-'));
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await server.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: string, contentType = 'text/yaml') {
  const res = await fetch(`${server.url}${path}`, { method, body, headers: body !== undefined ? { 'content-type': contentType } : {} });
  return { status: res.status, body: (await res.json()) as any };
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', join(REPO, 'node_modules/tsx/dist/loader.mjs'), join(REPO, 'src/cli/main.ts'), ...args, '--url', server.url], { cwd: REPO, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('update: a narrowed range moves the next proposals inside it; a finished sweep is extended; method and metric stay', async () => {
  const v1 = 'method: random\nrun_cap: 4\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\n';
  const id = (await call('POST', '/api/sweeps', v1)).body.id as string;
  agents.push(await startSimulatedAgent(c, { id: 'agent-u', sweepId: id, slots: 1, steps: 3, stepMs: 20, leaseMs: 2000 }));
  await until('a run finished', async () => (await call('GET', `/api/sweeps/${id}`)).body.counts.finished >= 1);
  expect((await call('POST', `/api/sweeps/${id}/pause`, '{}', 'application/json')).status).toBe(200);
  const before = ((await call('GET', `/api/sweeps/${id}/runs`)).body.runs as unknown[]).length; // paused: no new proposals

  const file = join(dir, 'v2.yaml');
  writeFileSync(file, 'method: random\nrun_cap: 4\nmetric: {name: loss}\nparameters: {x: {min: 0.9, max: 1.0}}\n');
  const out = await cli('update', id, file);
  expect(out.stderr).toBe('');
  expect(out.stdout).toBe(`sweep ${id}: version 2, paused, 4 runs at most\n`);
  await call('POST', `/api/sweeps/${id}/resume`, '{}', 'application/json');
  await until('finished', async () => (await call('GET', `/api/sweeps/${id}`)).body.state === 'finished');
  let runs = (await call('GET', `/api/sweeps/${id}/runs`)).body.runs as Array<{ config: { x: number } }>;
  expect(runs).toHaveLength(4);
  expect(before).toBeLessThan(4);
  for (const r of runs.slice(before)) expect(r.config.x).toBeGreaterThanOrEqual(0.9);
  const versions = (await call('GET', `/api/sweeps/${id}/versions`)).body.versions as Array<{ version: number; source: string }>;
  expect(versions.map((v) => v.version)).toEqual([1, 2]);
  expect(versions[0]!.source).toBe(v1);

  // extend the finished sweep: a higher run_cap runs it again
  const v3 = 'method: random\nrun_cap: 6\nmetric: {name: loss}\nparameters: {x: {min: 0.9, max: 1.0}}\n';
  const extended = await call('PUT', `/api/sweeps/${id}`, v3);
  expect(extended.status).toBe(200);
  expect(extended.body).toMatchObject({ version: 3, state: 'running', total: 6 });
  await until('finished again', async () => {
    const s = (await call('GET', `/api/sweeps/${id}`)).body;
    return s.state === 'finished' && s.counts.finished === 6;
  });
  runs = (await call('GET', `/api/sweeps/${id}/runs`)).body.runs;
  expect(runs).toHaveLength(6);

  const method = await call('PUT', `/api/sweeps/${id}`, v3.replace('random', 'grid').replace('{min: 0.9, max: 1.0}', '{values: [1]}'));
  expect(method.status).toBe(400);
  expect(method.body.error.message).toBe(`method cannot change (random → grid); create a new sweep with --prior ${id} instead`);
  const metric = await call('PUT', `/api/sweeps/${id}`, v3.replace('{name: loss}', '{name: acc, goal: maximize}'));
  expect(metric.body.error.message).toMatch(/^metric cannot change \(loss \(minimize\) → acc \(maximize\)\)/);
  expect((await call('GET', `/api/sweeps/${id}/versions`)).body.versions).toHaveLength(3);
}, 180_000);
