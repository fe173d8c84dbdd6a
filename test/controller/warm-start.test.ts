import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { runCli, until, useApiServer } from '../helpers/api-server-fixture.js';
import { startSimulatedAgent } from './simulated-agent.js';

const f = useApiServer('hs-prior-');

async function call(method: string, path: string, body?: string, contentType = 'text/yaml') {
  const res = await fetch(`${f.server.url}${path}`, { method, body, headers: body !== undefined ? { 'content-type': contentType } : {} });
  return { status: res.status, body: (await res.json()) as any };
}

const cli = (...args: string[]) => runCli(f.server.url, ...args);

/** The known function: a bowl with its minimum 0 at x = 0.3. */
const bowl = (config: Record<string, unknown>) => ((config.x as number) - 0.3) ** 2;

async function runSweep(yaml: string, prior?: string): Promise<{ id: string; runs: Array<{ config: { x: number }; reason: string }> }> {
  let id: string;
  if (prior) {
    const file = join(f.dir, `sweep-${Date.now()}.yaml`);
    writeFileSync(file, yaml);
    const out = await cli('sweep', file, '--prior', prior);
    expect(out.code).toBe(0);
    id = out.stdout.match(/created sweep (s[0-9a-z]+)/)![1]!;
    expect(out.stdout).toMatch(/\nprior: \d+ runs from s/);
  } else {
    id = (await call('POST', '/api/sweeps', yaml)).body.id as string;
  }
  f.agents.push(await startSimulatedAgent(f.c, { id: `agent-${f.agents.length}`, sweepId: id, slots: 1, steps: 2, stepMs: 2, leaseMs: 2000, loss: (config) => bowl(config) }));
  await until(`sweep ${id} finished`, async () => (await call('GET', `/api/sweeps/${id}`)).body.state === 'finished');
  return { id, runs: (await call('GET', `/api/sweeps/${id}/runs`)).body.runs };
}

test('bayes with a prior sweep proposes better first than without; prior runs are not run again nor counted', async () => {
  const earlier = await runSweep('method: random\nrun_cap: 20\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\nhypersweep: {seed: 11}\n');
  expect(earlier.runs).toHaveLength(20);
  const bayes = 'method: bayes\nrun_cap: 2\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\nhypersweep: {seed: 5}\n';
  const warm = await runSweep(bayes, earlier.id);
  const cold = await runSweep(bayes);
  expect(warm.runs).toHaveLength(2); // run_cap counts the sweep's own runs only
  const detail = (await call('GET', `/api/sweeps/${warm.id}`)).body;
  expect(detail.prior).toEqual({ sweeps: [earlier.id], runs: 20 });
  expect((await call('GET', `/api/sweeps/${cold.id}`)).body.prior).toBeNull();
  const priorConfigs = new Set(earlier.runs.map((r) => r.config.x));
  expect(warm.runs.some((r) => priorConfigs.has(r.config.x))).toBe(false);
  const warmFirst = bowl(warm.runs[0]!.config);
  const coldFirst = bowl(cold.runs[0]!.config);
  const priorBest = Math.min(...earlier.runs.map((r) => bowl(r.config)));
  expect(warmFirst).toBeLessThan(coldFirst);
  expect(warmFirst).toBeLessThan(0.01);
  expect(warmFirst).toBeLessThan(priorBest * 4 + 1e-4); // near the best the prior found, not a blind guess
}, 180_000);

test('a grid skips the points a prior sweep ran; an unknown prior is a 400', async () => {
  const earlier = await runSweep('method: grid\nmetric: {name: loss}\nparameters: {x: {values: [0.1, 0.2, 0.3]}}\n');
  const wider = await runSweep('method: grid\nmetric: {name: loss}\nparameters: {x: {values: [0.1, 0.2, 0.3, 0.4, 0.5]}}\n', earlier.id);
  expect(wider.runs.map((r) => r.config.x).sort()).toEqual([0.4, 0.5]);
  const bad = await call('POST', '/api/sweeps?prior=snothere1', 'method: grid\nparameters: {x: {values: [1]}}\n');
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toBe('prior sweep snothere1 not found');
  expect((await call('POST', '/api/sweeps?prior=../x', 'method: grid\nparameters: {x: {values: [1]}}\n')).status).toBe(400);
}, 180_000);

test('export --history → rm → import → --prior round-trips: the imported sweep is finished, holds the same runs and warms bayes', async () => {
  const yaml = 'method: random\nrun_cap: 15\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\nhypersweep: {seed: 3}\n';
  const earlier = await runSweep(yaml);
  const exported = join(f.dir, 'export.jsonl');
  expect((await cli('export', earlier.id, '--history', '-o', exported)).code).toBe(0);
  const sweepFile = join(f.dir, 'earlier.yaml');
  writeFileSync(sweepFile, yaml);
  expect((await cli('rm', earlier.id)).code).toBe(0);

  const imported = await cli('import', exported, '--sweep-file', sweepFile);
  expect(imported.stderr).toBe('');
  const id = imported.stdout.match(/^imported sweep (s[0-9a-z]+) \(.*15 runs, finished, read-only\)/)![1]!;
  const sweep = (await call('GET', `/api/sweeps/${id}`)).body;
  expect(sweep).toMatchObject({ state: 'finished', stateReason: 'imported from export.jsonl (read-only)', counts: { finished: 15 } });
  const runs = (await call('GET', `/api/sweeps/${id}/runs?sort=score`)).body.runs as Array<{ config: { x: number }; score: number; reason: string }>;
  expect(runs.map((r) => r.config.x).sort()).toEqual(earlier.runs.map((r) => r.config.x).sort());
  for (const r of runs) expect(r.score).toBeCloseTo(bowl(r.config), 12);
  expect(sweep.best.value).toBe(runs[0]!.score);
  // read-only: no new runs, no controller takes it up
  expect((await call('POST', `/api/sweeps/${id}/runs`, JSON.stringify({ config: { x: 0.5 } }), 'application/json')).status).toBe(409);
  const history = (await call('GET', `/api/sweeps/${id}/runs/${(await call('GET', `/api/sweeps/${id}/runs`)).body.runs[0].id}`)).body.history;
  expect(history).toHaveLength(2);

  const warm = await runSweep('method: bayes\nrun_cap: 1\nmetric: {name: loss}\nparameters: {x: {min: 0.0, max: 1.0}}\nhypersweep: {seed: 5}\n', id);
  expect((await call('GET', `/api/sweeps/${warm.id}`)).body.prior).toEqual({ sweeps: [id], runs: 15 });
  expect(bowl(warm.runs[0]!.config)).toBeLessThan(0.01);
  expect(await f.c.exists(`hs:{${id}}:leader`)).toBe(0);
}, 180_000);
