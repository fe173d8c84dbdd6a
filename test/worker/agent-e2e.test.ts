/**
 * End to end with the real controller and API (startServer): real agent processes run real
 * Python scripts; metrics are visible through the API while the scripts run; the controller's
 * early termination stops a run through the agent; a SIGKILLed agent's run finishes as attempt 2
 * on another agent; sweep stop/cancel reach the agents.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { keys } from '../../src/store/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { pidAlive, scratch, spawnAgent, stopAgent, waitFor, processesMentioning, type AgentProcess, type Scratch } from './agent-harness.js';

let redis: TestRedis;
let c: Redis;
let server: RunningServer;
let tmp: Scratch;
const agents: AgentProcess[] = [];
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  tmp = scratch();
  server = await startServer({ port: 0, redisUrl: redis.url, controllerOptions: { pollMs: 50, leaseCheckMs: 200 }, log: () => {} });
});
afterAll(async () => {
  for (const a of agents) await stopAgent(a);
  await server.close();
  await redis.stop();
  tmp.remove();
});

interface RunView {
  id: string;
  state: string;
  config: Record<string, unknown>;
  history: Array<Record<string, number>>;
  attempts: Array<{ attempt: number; agentId: string; outcome: string; endedAt: number | null }>;
  stopReason?: string | null;
}

const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
  const res = await fetch(`${server.url}/api${path}`, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};
const createSweep = async (yaml: string) => (await api<{ id: string }>('/sweeps', { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } })).id;
const runs = async (sweepId: string) => (await api<{ runs: Array<{ id: string; state: string }> }>(`/sweeps/${sweepId}/runs?limit=100`)).runs;
const run = (runId: string) => api<RunView>(`/runs/${runId}`);
const sweepState = async (sweepId: string) => (await api<{ state: string }>(`/sweeps/${sweepId}`)).state;

function agent(sweepId: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): AgentProcess {
  const a = spawnAgent(sweepId, redis.url, args, { SCRATCH: tmp.dir, ...env });
  agents.push(a);
  return a;
}

const TRAIN = `
import json, os, signal, sys, time
import hypersweep
cfg = hypersweep.config()
d = os.environ["SCRATCH"]
tag = f"{cfg['tag']}-{os.environ['HYPERSWEEP_ATTEMPT']}"
open(os.path.join(d, tag + ".pid"), "w").write(str(os.getpid()))
signal.signal(signal.SIGTERM, lambda *_: (open(os.path.join(d, tag + ".sigterm"), "w").write("1"), sys.exit(0)))
if os.environ.get("HANG_ON_ATTEMPT") == os.environ["HYPERSWEEP_ATTEMPT"]:
    while True: time.sleep(0.05)
for epoch in range(3):  # one row each way: metrics file, @hypersweep stdout line, Katib line
    loss = cfg["lr"] * (3 - epoch)
    if epoch == 0: hypersweep.log({"loss": loss}, step=0)
    elif epoch == 1: print("@hypersweep " + json.dumps({"loss": loss, "_step": 1}))
    else: print(f"epoch 2 loss={loss}")
    time.sleep(0.05)
while cfg.get("wait") and not os.path.exists(os.path.join(d, cfg["tag"] + ".go")):
    if cfg.get("flat"): hypersweep.log({"loss": 1.0})
    time.sleep(0.1)
print("done")
`;

test('a grid sweep through the controller: metrics logged three ways visible in the API while the scripts run, the agent exits when the sweep is finished', async () => {
  const script = tmp.file('train.py', TRAIN);
  const sweepId = await createSweep(`method: grid
metric: {name: loss, goal: minimize}
program: ${script}
hypersweep:
  stdout_metrics: true
parameters:
  lr: {values: [0.5, 0.25]}
  tag: {values: [ga, gb]}
  wait: {value: true}
`);
  const a = agent(sweepId, ['--slots', '2']);
  // Two runs at once, each waiting for its go file after 3 metric rows: visible through the API.
  const live = await waitFor('two running runs with history in the API', async () => {
    const rs = await runs(sweepId);
    const details = await Promise.all(rs.filter((r) => r.state === 'running').map((r) => run(r.id)));
    return details.length === 2 && details.every((d) => d.history.length === 3) ? details : undefined;
  }, 30_000);
  for (const d of live) {
    const lr = d.config.lr as number;
    expect(d.history.map((h) => h._step)).toEqual([0, 1, 2]);
    expect(d.history.map((h) => h.loss)).toEqual([lr * 3, lr * 2, lr * 1]);
    expect(existsSync(join(tmp.dir, `${d.config.tag}.go`))).toBe(false);
  }
  // Release all four grid points' scripts as they come.
  for (const t of ['ga', 'gb']) tmp.file(`${t}.go`, '');
  expect(await a.exited).toBe(0);
  expect(await sweepState(sweepId)).toBe('finished');
  const all = await runs(sweepId);
  expect(all.map((r) => r.state)).toEqual(['finished', 'finished', 'finished', 'finished']);
  expect(a.stderr()).toMatch(/sweep \S+ is finished: exiting after current runs/);
});

test('early termination decided by the controller stops the run through the agent (SIGTERM, state stopped)', async () => {
  const script = tmp.file('train-et.py', TRAIN);
  const sweepId = await createSweep(`method: grid
metric: {name: loss, goal: minimize}
program: ${script}
early_terminate: {type: patience, patience: 2}
parameters:
  lr: {value: 0.1}
  tag: {value: et}
  wait: {value: true}
  flat: {value: true}
`);
  agent(sweepId, ['--slots', '1']);
  const [first] = await waitFor('the run', async () => ((await runs(sweepId)).length > 0 ? runs(sweepId) : undefined), 30_000);
  // The moment the controller decides: it sets the run's stop field.
  const decidedAt = await waitFor('the stop decision', async () => ((await c.hget(keys.run(sweepId, first!.id), 'stop')) ? Date.now() : undefined), 30_000, 10);
  const stopped = await waitFor('the run stopped', async () => {
    const [r] = await runs(sweepId);
    return r && r.state === 'stopped' ? run(r.id) : undefined;
  }, 30_000);
  expect(stopped.stopReason).toBeTruthy();
  expect(existsSync(join(tmp.dir, 'et-1.sigterm'))).toBe(true);
  expect(stopped.attempts.at(-1)!.outcome).toBe('stopped');
  const endedAt = stopped.attempts.at(-1)!.endedAt!;
  expect(endedAt - decidedAt).toBeLessThan(2000);
  await api(`/sweeps/${sweepId}/cancel`, { method: 'POST' });
});

test('an agent killed with SIGKILL: no process left, the controller re-queues the run, attempt 2 finishes on another agent', async () => {
  const script = tmp.file('train-kill.py', TRAIN);
  const sweepId = await createSweep(`method: grid
metric: {name: loss, goal: minimize}
program: ${script}
hypersweep: {stdout_metrics: true}
parameters:
  lr: {value: 0.3}
  tag: {value: kk}
`);
  const first = agent(sweepId, ['--slots', '1', '--lease-ms', '1000'], { HANG_ON_ATTEMPT: '1' });
  const pidFile = join(tmp.dir, 'kk-1.pid');
  await waitFor('attempt 1 running', () => existsSync(pidFile), 30_000);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  first.proc.kill('SIGKILL');
  await first.exited;
  await waitFor('the orphan reaped', () => !pidAlive(pid), 3000);
  const second = agent(sweepId, ['--slots', '1'], { HANG_ON_ATTEMPT: '1' });
  const done = await waitFor('run finished', async () => {
    const [r] = await runs(sweepId);
    return r && r.state === 'finished' ? run(r.id) : undefined;
  }, 30_000);
  expect(done.attempts.map((x) => x.attempt)).toEqual([1, 2]);
  expect(done.attempts[1]!.outcome).toBe('finished');
  expect(done.history.length).toBe(3);
  expect(await second.exited).toBe(0); // the sweep finished
});

test('cancel through the API: the agent kills its run at once and exits', async () => {
  const script = tmp.file('train-cancel.py', TRAIN);
  const sweepId = await createSweep(`method: grid
program: ${script}
parameters:
  lr: {value: 0.2}
  tag: {value: cc}
  wait: {value: true}
`);
  const a = agent(sweepId, ['--slots', '1']);
  const pidFile = join(tmp.dir, 'cc-1.pid');
  await waitFor('running', () => existsSync(pidFile), 30_000);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  const t = Date.now();
  await api(`/sweeps/${sweepId}/cancel`, { method: 'POST' });
  expect(await a.exited).toBe(0);
  // At once, not after the 30 s SIGTERM grace (the bound is loose for a loaded CI box).
  expect(Date.now() - t).toBeLessThan(10_000);
  expect(pidAlive(pid)).toBe(false);
  expect(existsSync(join(tmp.dir, 'cc-1.sigterm'))).toBe(false);
  const [r] = await runs(sweepId);
  expect(r!.state).toBe('canceled');
});

test('no process is left behind: every script started from this file is gone once its agents are', async () => {
  for (const a of agents) await stopAgent(a);
  await waitFor('no leftover script', () => processesMentioning(tmp.dir).length === 0 || undefined, 3000).catch(() => undefined);
  expect(processesMentioning(tmp.dir)).toEqual([]);
});
