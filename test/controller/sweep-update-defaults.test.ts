/**
 * `hypersweep update` adding a parameter with `default:`: earlier runs are read with the default
 * filled in, so a grid walks the new product skipping the points they already ran and bayes
 * learns from them; without a default they do not fit the new space and count for nothing.
 */
import { expect, test } from 'vitest';
import { until, useApiServer } from '../helpers/api-server-fixture.js';
import { startSimulatedAgent } from './simulated-agent.js';

const f = useApiServer('hs-update-defaults-');

async function call(method: string, path: string, body?: string) {
  const res = await fetch(`${f.server.url}${path}`, { method, body, headers: body !== undefined ? { 'content-type': 'text/yaml' } : {} });
  return { status: res.status, body: (await res.json()) as any };
}

interface Run { config: Record<string, unknown>; version: number; reason: string }

/** Creates a sweep, runs it to its end with one simulated agent; its id. */
async function finishedSweep(yaml: string, loss?: (config: Record<string, unknown>) => number): Promise<string> {
  const created = await call('POST', '/api/sweeps', yaml);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  f.agents.push(await startSimulatedAgent(f.c, { id: `agent-${id}`, sweepId: id, slots: 1, steps: 2, stepMs: 5, leaseMs: 2000, ...(loss ? { loss: (c) => loss(c) } : {}) }));
  await until(`sweep ${id} finished`, async () => (await call('GET', `/api/sweeps/${id}`)).body.state === 'finished');
  return id;
}

async function updateAndFinish(id: string, yaml: string): Promise<{ total: number; runs: Run[]; stateReason: string }> {
  const updated = await call('PUT', `/api/sweeps/${id}`, yaml);
  expect(updated.status).toBe(200);
  expect(updated.body.state).toBe('running');
  const sweep = await until(`sweep ${id} finished again`, async () => {
    const s = (await call('GET', `/api/sweeps/${id}`)).body;
    return s.state === 'finished' && s.counts.pending + s.counts.running === 0 ? s : undefined;
  });
  return { total: updated.body.total, runs: (await call('GET', `/api/sweeps/${id}/runs`)).body.runs, stateReason: sweep.stateReason };
}

const GRID_V1 = 'method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1, 2, 3]}\n';

test('grid: an added parameter with a default skips the points earlier runs took; without one every point runs', async () => {
  const [withDefault, without] = await Promise.all([finishedSweep(GRID_V1), finishedSweep(GRID_V1)]);
  const bad = await call('PUT', `/api/sweeps/${withDefault}`, 'method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1, 2]}\n  y: {values: [a, b], default: c}\n');
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toBe('parameter y: default "c" must be one of ["a","b"]');

  // x narrowed to [1, 2] and y added: x=1 and x=2 ran with y=a; x=3 is off the new grid (kept beside it)
  const a = await updateAndFinish(withDefault, 'method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1, 2]}\n  y: {values: [a, b], default: a}\n');
  expect(a.total).toBe(5);
  expect(a.runs.filter((r) => r.version === 2).map((r) => [r.config, r.reason])).toEqual([
    [{ x: 1, y: 'b' }, 'grid 2/4'],
    [{ x: 2, y: 'b' }, 'grid 4/4'],
  ]);
  expect(a.runs.filter((r) => r.version === 1).map((r) => r.config)).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
  expect(a.stateReason).toBe('grid exhausted (5 runs)');

  const b = await updateAndFinish(without, 'method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1, 2]}\n  y: {values: [a, b]}\n');
  expect(b.total).toBe(7);
  expect(b.runs.filter((r) => r.version === 2).map((r) => r.config)).toEqual([{ x: 1, y: 'a' }, { x: 1, y: 'b' }, { x: 2, y: 'a' }, { x: 2, y: 'b' }]);
}, 180_000);

test('bayes: after an added parameter with a default, the model learns from the earlier runs; without one it starts over', async () => {
  const v1 = 'method: bayes\nrun_cap: 5\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n';
  const bowl = (c: Record<string, unknown>) => ((c.x as number) - 0.3) ** 2 + ((c.y as number | undefined ?? 0.5) - 0.5) ** 2;
  const [withDefault, without] = await Promise.all([finishedSweep(v1, bowl), finishedSweep(v1, bowl)]);
  const v2 = (y: string) => `method: bayes\nrun_cap: 6\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n  y: ${y}\n`;
  const a = await updateAndFinish(withDefault, v2('{min: 0.0, max: 1.0, default: 0.5}'));
  const b = await updateAndFinish(without, v2('{min: 0.0, max: 1.0}'));
  const [newA] = a.runs.filter((r) => r.version === 2);
  const [newB] = b.runs.filter((r) => r.version === 2);
  expect(a.runs).toHaveLength(6);
  expect(newA!.reason).toMatch(/^bayes: EI .* after 5 runs/);
  expect(newB!.reason).toBe('bayes: initial design, 0/3 runs scored');
}, 180_000);
