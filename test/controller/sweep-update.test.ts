import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli, until, useApiServer } from '../helpers/api-server-fixture.js';
import { startSimulatedAgent } from './simulated-agent.js';

const f = useApiServer('hs-update-');

async function call(method: string, path: string, body?: string, contentType = 'text/yaml') {
  const res = await fetch(`${f.server.url}${path}`, { method, body, headers: body !== undefined ? { 'content-type': contentType } : {} });
  return { status: res.status, body: (await res.json()) as any };
}

const cli = (...args: string[]) => runCli(f.server.url, ...args);

test('update: a narrowed range moves the next proposals inside it; a finished sweep is extended; method and metric stay', async () => {
  const v1 = 'method: random\nrun_cap: 4\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\n';
  const id = (await call('POST', '/api/sweeps', v1)).body.id as string;
  f.agents.push(await startSimulatedAgent(f.c, { id: 'agent-u', sweepId: id, slots: 1, steps: 3, stepMs: 20, leaseMs: 2000 }));
  await until('a run finished', async () => (await call('GET', `/api/sweeps/${id}`)).body.counts.finished >= 1);
  expect((await call('POST', `/api/sweeps/${id}/pause`, '{}', 'application/json')).status).toBe(200);
  const before = ((await call('GET', `/api/sweeps/${id}/runs`)).body.runs as unknown[]).length; // paused: no new proposals

  const file = join(f.dir, 'v2.yaml');
  writeFileSync(file, 'method: random\nrun_cap: 4\nmetric: {name: loss}\nparameters: {x: {min: 0.9, max: 1.0}}\n');
  const out = await cli('update', id, file);
  expect(out.stderr).toBe('');
  expect(out.stdout).toBe(`sweep ${id}: version 2, paused, 4 runs at most\n  x: uniform 0 … 1 → uniform 0.9 … 1\n`);
  await call('POST', `/api/sweeps/${id}/resume`, '{}', 'application/json');
  await until('finished', async () => (await call('GET', `/api/sweeps/${id}`)).body.state === 'finished');
  let runs = (await call('GET', `/api/sweeps/${id}/runs`)).body.runs as Array<{ id: string; config: { x: number }; version: number }>;
  expect(runs).toHaveLength(4);
  expect(before).toBeLessThan(4);
  for (const r of runs.slice(before)) expect(r.config.x).toBeGreaterThanOrEqual(0.9);
  // each run records the version it was proposed under, in the run JSON and the export
  expect(runs.map((r) => r.version)).toEqual(runs.map((_, i) => (i < before ? 1 : 2)));
  const csv = await fetch(`${f.server.url}/api/sweeps/${id}/export?format=csv`).then((r) => r.text());
  const header = csv.split('\n')[0]!.split(',');
  const versionByRun = new Map(csv.trim().split('\n').slice(1).map((line) => { const cells = line.split(','); return [cells[0], Number(cells[header.indexOf('version')])]; }));
  for (const r of runs) expect(versionByRun.get(r.id)).toBe(r.version);
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
  const all = (await call('GET', `/api/sweeps/${id}/versions`)).body.versions as Array<{ version: number; changes: any }>;
  expect(all).toHaveLength(3);
  // each version with its differences from the one before
  expect(all.map((v) => v.changes === null)).toEqual([true, false, false]);
  expect(all[1]!.changes).toEqual({
    parameters: { added: [], removed: [], changed: [{ name: 'x', from: { distribution: 'uniform', min: 0, max: 1 }, to: { distribution: 'uniform', min: 0.9, max: 1 } }] },
    settings: [],
  });
  expect(all[2]!.changes).toEqual({ parameters: { added: [], removed: [], changed: [] }, settings: [{ key: 'run_cap', from: 4, to: 6 }] });
}, 180_000);
