import { parse } from 'csv-parse/sync';
import { expect, test } from 'vitest';
import { runCli, until, useApiServer } from '../helpers/api-server-fixture.js';
import { startSimulatedAgent } from '../controller/simulated-agent.js';

const f = useApiServer('hs-api-');

const type = (res: Response) => res.headers.get('content-type') ?? '';

async function call(method: string, path: string, body?: string, contentType = 'text/yaml') {
  const headers: Record<string, string> = body !== undefined || method !== 'GET' ? { 'content-type': contentType } : {};
  const res = await fetch(`${f.server.url}${path}`, { method, body, headers });
  const text = await res.text();
  return { status: res.status, type: type(res), text, body: type(res).includes('json') && !type(res).includes('ndjson') ? JSON.parse(text) : undefined };
}

const cli = (...args: string[]) => runCli(f.server.url, ...args);

/** Every key in the test Redis that names the sweep or one of its runs. */
async function keysOf(sweepId: string, runIds: readonly string[]): Promise<string[]> {
  const all: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await f.c.scan(cursor, 'COUNT', 1000);
    cursor = next;
    all.push(...batch);
  } while (cursor !== '0');
  return all.filter((k) => k.includes(sweepId) || runIds.some((r) => k.includes(r)));
}

const YAML = `name: "export, \\"quoted\\""
method: grid
metric: {name: loss, goal: minimize}
parameters:
  optimizer:
    parameters:
      name: {values: ["adam", "sgd, momentum"]}
      lr: {values: [0.1, 0.01]}
  layers: {value: 2}
`;

async function finishedSweep(yaml: string): Promise<string> {
  const created = await call('POST', '/api/sweeps', yaml);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  f.agents.push(await startSimulatedAgent(f.c, { id: `agent-${f.agents.length}`, sweepId: id, slots: 2, steps: 3, stepMs: 5, leaseMs: 2000, loss: (config, step) => (config.optimizer as { lr: number }).lr * 10 / (step + 1) }));
  await until(`sweep ${id} finished`, async () => (await call('GET', `/api/sweeps/${id}`)).body.state === 'finished');
  return id;
}

test('export: one CSV row per run with dotted config columns, quoting, score, times; JSONL with history', async () => {
  const id = await finishedSweep(YAML);
  const csv = await call('GET', `/api/sweeps/${id}/export?format=csv`);
  expect(csv.status).toBe(200);
  expect(csv.type).toMatch(/^text\/csv/);
  const rows = parse(csv.text, { columns: true }) as Array<Record<string, string>>;
  expect(rows).toHaveLength(4);
  expect(Object.keys(rows[0]!)).toEqual([
    'run_id', 'state', 'reason', 'version', 'attempts', 'score', 'created_at', 'started_at', 'ended_at', 'duration_sec', 'exit_code', 'stop_reason',
    'commit', 'dirty', 'packages_sha256', 'host',
    'config.optimizer.name', 'config.optimizer.lr', 'config.layers',
  ]);
  // the value with a comma survives the round trip through a real CSV parser
  expect(new Set(rows.map((r) => r['config.optimizer.name']))).toEqual(new Set(['adam', 'sgd, momentum']));
  for (const r of rows) {
    expect(r.state).toBe('finished');
    expect(r.attempts).toBe('1');
    expect(r.version).toBe('1');
    expect(Number(r.score)).toBeCloseTo(Number(r['config.optimizer.lr']) * 10 / 3, 9);
    expect(Number(r.duration_sec)).toBeCloseTo((Date.parse(r.ended_at!) - Date.parse(r.started_at!)) / 1000, 3);
    expect(r['config.layers']).toBe('2');
  }

  const jsonl = await call('GET', `/api/sweeps/${id}/export?format=jsonl&history=1`);
  expect(jsonl.type).toMatch(/^application\/x-ndjson/);
  const lines = jsonl.text.trim().split('\n').map((l) => JSON.parse(l) as { run_id: string; config: { optimizer: { lr: number } }; history: Array<{ _step: number; loss: number }> });
  expect(lines.map((l) => l.run_id)).toEqual(rows.map((r) => r.run_id));
  expect(lines[0]!.history.map((h) => h._step)).toEqual([0, 1, 2]);
  expect(typeof lines[0]!.config.optimizer.lr).toBe('number');

  // the CLI prints the same bytes
  const out = await cli('export', id);
  expect(out.code).toBe(0);
  expect(out.stdout).toBe(csv.text);
  const hist = await cli('export', id, '--history');
  expect(hist.stdout).toBe(jsonl.text);

  // bad requests are 400s naming the parameter; an unknown sweep a 404
  expect((await call('GET', `/api/sweeps/${id}/export?format=xlsx`)).body.error.message).toMatch(/format must be one of csv, jsonl/);
  expect((await call('GET', `/api/sweeps/${id}/export?format=csv&history=1`)).status).toBe(400);
  expect((await call('GET', `/api/sweeps/${id}/export?history=maybe`)).body.error.message).toMatch(/^history must be/);
  expect((await call('GET', '/api/sweeps/snope/export')).status).toBe(404);
}, 120_000);

test('export of a sweep without runs is the header row alone', async () => {
  const created = await call('POST', '/api/sweeps', 'method: random\nparameters: {x: {min: 0, max: 1}}\n');
  await call('POST', `/api/sweeps/${created.body.id}/cancel`);
  const csv = await call('GET', `/api/sweeps/${created.body.id}/export`);
  expect(csv.text).toBe('run_id,state,reason,version,attempts,score,created_at,started_at,ended_at,duration_sec,exit_code,stop_reason,commit,dirty,packages_sha256,host\n');
});

test('rm deletes every key of a finished sweep, its runs and its BullMQ queue; other sweeps keep theirs', async () => {
  const keep = await finishedSweep(YAML);
  const id = await finishedSweep(YAML);
  const runIds = (await call('GET', `/api/sweeps/${id}/runs`)).body.runs.map((r: { id: string }) => r.id) as string[];
  expect(runIds).toHaveLength(4);
  const before = await keysOf(id, runIds);
  expect(before.some((k) => k.startsWith('hs:bull:'))).toBe(true); // the queue's keys are there to remove
  expect(before.some((k) => k.startsWith(`hs:{${id}}:run:${runIds[0]}`))).toBe(true);
  const keptBefore = (await keysOf(keep, [])).length;

  const out = await cli('rm', id);
  expect(out.stderr).toBe('');
  expect(out.stdout).toBe(`removed sweep ${id} (4 runs)\n`);
  expect(await keysOf(id, runIds)).toEqual([]);
  expect((await call('GET', `/api/sweeps/${id}`)).status).toBe(404);
  expect((await call('GET', '/api/sweeps')).body.sweeps.map((s: { id: string }) => s.id)).not.toContain(id);
  expect((await keysOf(keep, [])).length).toBe(keptBefore);
  expect((await call('DELETE', `/api/sweeps/${id}`)).status).toBe(404);
}, 120_000);

test('rm refuses a running sweep; --force cancels it first and then leaves no key', async () => {
  const created = await call('POST', '/api/sweeps', 'method: random\nmetric: {name: loss}\nparameters: {x: {min: 0, max: 1}}\n');
  const id = created.body.id as string;
  const agent = await startSimulatedAgent(f.c, { id: `agent-${f.agents.length}`, sweepId: id, slots: 2, steps: 1000, stepMs: 20, leaseMs: 2000 });
  f.agents.push(agent);
  await until('a run running', async () => (await call('GET', `/api/sweeps/${id}`)).body.counts.running > 0);

  const refused = await cli('rm', id);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(new RegExp(`sweep ${id} is running: cancel it first .* or pass --force`));
  expect((await call('GET', `/api/sweeps/${id}`)).body.state).toBe('running');

  const runIds = (await call('GET', `/api/sweeps/${id}/runs`)).body.runs.map((r: { id: string }) => r.id) as string[];
  await agent.close(); // the agent's worker would recreate queue markers after the queue is gone
  const forced = await call('DELETE', `/api/sweeps/${id}?force=1`);
  expect(forced.status).toBe(200);
  expect(forced.body).toMatchObject({ id, removed: true });
  const allRuns = [...new Set([...runIds])];
  expect(await keysOf(id, allRuns)).toEqual([]);
}, 120_000);
