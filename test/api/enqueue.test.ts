import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli, until, useApiServer } from '../helpers/api-server-fixture.js';
import { startSimulatedAgent } from '../controller/simulated-agent.js';

const f = useApiServer('hs-enqueue-');

async function call(method: string, path: string, body?: string, contentType = 'application/json') {
  const res = await fetch(`${f.server.url}${path}`, { method, body, headers: body !== undefined ? { 'content-type': contentType } : {} });
  return { status: res.status, body: (await res.json()) as any };
}

const cli = (...args: string[]) => runCli(f.server.url, ...args);

const SWEEP = `method: random
run_cap: 5
metric: {name: loss}
parameters:
  lr: {distribution: log_uniform_values, min: 0.001, max: 0.1}
  model:
    parameters:
      layers: {min: 1, max: 4}
      act: {values: [relu, gelu]}
`;

test('enqueued configs are checked against the space, become runs with reason enqueued, start first and count against run_cap', async () => {
  const id = (await call('POST', '/api/sweeps', SWEEP, 'text/yaml')).body.id as string;

  const file = join(f.dir, 'best-guess.yaml');
  writeFileSync(file, 'lr: 0.01\nmodel: {layers: 2, act: relu}\n');
  const fromFile = await cli('enqueue', id, file, '--set', 'model.layers=3');
  expect(fromFile.stderr).toBe('');
  expect(fromFile.stdout).toMatch(/^enqueued run r[0-9a-f]{16}: \{"lr":0.01,"model":\{"layers":3,"act":"relu"\}\}\n$/);
  const first = fromFile.stdout.match(/run (r[0-9a-f]{16})/)![1]!;

  // outside the space: refused, naming the parameter; with --force it is taken
  const outside = await cli('enqueue', id, '--set', 'lr=0.5', '--set', 'model.layers=1', '--set', 'model.act=gelu');
  expect(outside.code).toBe(1);
  expect(outside.stderr).toMatch(/parameter lr: 0.5 must be from 0.001 to 0.1 \(pass --force/);
  expect((await call('POST', `/api/sweeps/${id}/runs`, JSON.stringify({ config: { lr: 0.01, model: { layers: 1, act: 'tanh' } } }))).body.error.message).toMatch(/^parameter model.act: "tanh" must be one of \["relu","gelu"\]/);
  expect((await call('POST', `/api/sweeps/${id}/runs`, JSON.stringify({ config: { lr: 0.01 }, extra: 1 }))).status).toBe(400);
  const forced = await cli('enqueue', id, '--set', 'lr=0.5', '--set', 'model.layers=1', '--set', 'model.act=gelu', '--force');
  expect(forced.code).toBe(0);
  const second = forced.stdout.match(/run (r[0-9a-f]{16})/)![1]!;

  // the leader makes them runs (no agent yet); the same config again is refused with its run id
  await until('enqueued runs created', async () => (await call('GET', `/api/sweeps/${id}/runs`)).body.runs.length >= 2);
  const again = await call('POST', `/api/sweeps/${id}/runs`, JSON.stringify({ config: { lr: 0.01, model: { layers: 3, act: 'relu' } } }));
  expect(again.status).toBe(409);
  expect(again.body.error.message).toBe(`this config already has run ${first}`);

  f.agents.push(await startSimulatedAgent(f.c, { id: 'agent-1', sweepId: id, slots: 1, steps: 2, stepMs: 5, leaseMs: 2000 }));
  await until('sweep finished', async () => (await call('GET', `/api/sweeps/${id}`)).body.state === 'finished');
  const runs = (await call('GET', `/api/sweeps/${id}/runs`)).body.runs as Array<{ id: string; reason: string; state: string; startedAt: number; config: { lr: number } }>;
  expect(runs).toHaveLength(5); // run_cap counts the enqueued runs
  expect(runs.slice(0, 2).map((r) => [r.id, r.reason])).toEqual([[first, 'enqueued'], [second, 'enqueued']]);
  expect(runs.slice(2).every((r) => r.reason !== 'enqueued')).toBe(true);
  expect(runs.every((r) => r.state === 'finished')).toBe(true);
  const byStart = [...runs].sort((a, b) => a.startedAt - b.startedAt).map((r) => r.id);
  expect(byStart.slice(0, 2)).toEqual([first, second]); // one slot: the enqueued configs ran first

  const late = await call('POST', `/api/sweeps/${id}/runs`, JSON.stringify({ config: { lr: 0.02, model: { layers: 3, act: 'relu' } } }));
  expect(late.status).toBe(409);
  expect(late.body.error.message).toMatch(/is finished: it takes no new runs/);
}, 120_000);

test('an enqueued config beyond the run budget is refused; an unknown sweep is a 404', async () => {
  const id = (await call('POST', '/api/sweeps', 'method: grid\nparameters: {x: {values: [1, 2]}}\n', 'text/yaml')).body.id as string;
  await call('POST', `/api/sweeps/${id}/pause`);
  expect((await call('POST', `/api/sweeps/${id}/runs`, JSON.stringify({ config: { x: 1 } }))).status).toBe(201);
  const dup = await call('POST', `/api/sweeps/${id}/runs`, JSON.stringify({ config: { x: 1 } }));
  expect(dup.body.error.message).toMatch(/^this config is already enqueued \(it will be run r[0-9a-f]{16}\)$/);
  expect((await call('POST', `/api/sweeps/${id}/runs`, JSON.stringify({ config: { x: 2 } }))).status).toBe(201);
  const over = await call('POST', `/api/sweeps/${id}/runs`, JSON.stringify({ config: { x: 3 }, force: true }));
  expect(over.status).toBe(409);
  expect(over.body.error.message).toMatch(/has used its budget \(2 of 2 runs\)/);
  expect((await call('POST', '/api/sweeps/snope/runs', JSON.stringify({ config: { x: 1 } }))).status).toBe(404);
});
