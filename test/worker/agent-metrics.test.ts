/** A real agent process runs a real Python script that logs metrics three ways; they arrive while it runs. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { keys } from '../../src/store/keys.js';
import type { MetricsEvent, StartedEvent } from '../../src/store/run-events.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, pidAlive, readEvents, scratch, spawnAgent, stopAgent, waitFor, processesMentioning, type AgentProcess, type Scratch } from './agent-harness.js';

let redis: TestRedis;
let c: Redis;
let tmp: Scratch;
const agents: AgentProcess[] = [];
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  tmp = scratch();
});
afterAll(async () => {
  for (const a of agents) await stopAgent(a);
  await closeQueues();
  await redis.stop();
  tmp.remove();
});

const SCRIPT = `
import json, os, sys, time
import hypersweep
cfg = hypersweep.config()
scratch = os.environ["SCRATCH"]
names = ["HYPERSWEEP_SWEEP_ID", "HYPERSWEEP_RUN_ID", "HYPERSWEEP_ATTEMPT", "HYPERSWEEP_PARAMS_FILE", "HYPERSWEEP_METRICS_FILE", "CUDA_VISIBLE_DEVICES", "WANDB_SWEEP_ID", "WANDB_RUN_ID", "PYTHONUNBUFFERED"]
info = {"argv": sys.argv[1:], "env": {k: os.environ.get(k) for k in names}, "cfg": cfg, "pid": os.getpid(), "cwd": os.getcwd(), "stdin": sys.stdin is None or sys.stdin.read() == ""}
with open(os.path.join(scratch, "info.json"), "w") as f: json.dump(info, f)
hypersweep.log({"loss": 1.0, "nested": {"a": 2}}, step=0)
print('@hypersweep {"acc": 0.5, "_step": 1}')
print("epoch 2 val_loss=0.25 lr=1e-3")
print("@hypersweep {not json")
with open(os.environ["HYPERSWEEP_METRICS_FILE"], "a") as f: f.write("garbage line\\n")
hypersweep.summary({"best": 0.1})
while not os.path.exists(os.path.join(scratch, "go")): time.sleep(0.02)
hypersweep.log({"loss": 0.5}, step=3)
print("bye")
`;

test('metrics from the metrics file, the @hypersweep stdout form and Katib lines reach the events stream while the script runs', async () => {
  const script = tmp.file('train.py', SCRIPT);
  await createSweep(c, 's1');
  const job = await enqueueRun(c, redis.url, {
    sweepId: 's1',
    runId: 'r1',
    program: script,
    config: { lr: 0.001, note: 'two words ✓', opt: { name: 'adam' } },
    execution: { stdout_metrics: true },
  });
  const env = { SCRATCH: tmp.dir, CUDA_VISIBLE_DEVICES: undefined, WANDB_MODE: undefined };
  const agent = spawnAgent('s1', redis.url, ['--slots', '1'], env, tmp.dir);
  agents.push(agent);

  // All three kinds arrive while the script still waits for "go".
  const rows = await waitFor('three metric rows', async () => {
    const ms = (await readEvents(c, 's1', 'r1')).filter((e): e is MetricsEvent => e.type === 'metrics');
    const all = ms.flatMap((m) => m.rows);
    return all.length >= 3 ? all : undefined;
  });
  const info = JSON.parse(readFileSync(join(tmp.dir, 'info.json'), 'utf8'));
  expect(pidAlive(info.pid)).toBe(true);
  expect(await c.hget(keys.run('s1', 'r1'), 'state')).toBe('pending'); // the agent never writes run state
  expect(rows).toEqual(expect.arrayContaining([{ _step: 0, loss: 1, 'nested.a': 2 }, { _step: 1, acc: 0.5 }, { _step: 2, val_loss: 0.25, lr: 0.001 }]));
  expect((await c.get(keys.runLease('s1', 'r1')))?.startsWith(`${job.token}|`)).toBe(true);

  // What the script received.
  expect(info.argv).toEqual(['--lr=0.001', '--note=two words ✓', '--opt.name=adam']);
  expect(info.cfg).toEqual(job.config);
  expect(info.cwd).toBe(tmp.dir);
  expect(info.stdin).toBe(true);
  expect(info.env).toMatchObject({ HYPERSWEEP_SWEEP_ID: 's1', HYPERSWEEP_RUN_ID: 'r1', HYPERSWEEP_ATTEMPT: '1', CUDA_VISIBLE_DEVICES: null, WANDB_SWEEP_ID: null, WANDB_RUN_ID: null, PYTHONUNBUFFERED: '1' });
  const attemptDir = join(info.env.HYPERSWEEP_PARAMS_FILE, '..');
  expect(existsSync(info.env.HYPERSWEEP_METRICS_FILE)).toBe(true);

  writeFileSync(join(tmp.dir, 'go'), '');
  const fin = await waitFor('finished', () => finishedEvent(c, 's1', 'r1'));
  expect(fin).toMatchObject({ outcome: 'finished', exitCode: 0, signal: null, summary: { best: 0.1 } });
  expect(fin.outputTail).toContain('epoch 2 val_loss=0.25');
  expect(fin.outputTail).toContain('bye');

  const events = await readEvents(c, 's1', 'r1');
  expect(events[0]).toMatchObject({ type: 'started', attempt: 1, token: job.token, slot: 'cpu0' } satisfies Partial<StartedEvent>);
  expect(events.at(-1)!.type).toBe('finished');
  const metrics = events.filter((e): e is MetricsEvent => e.type === 'metrics');
  expect(metrics.map((m) => m.seq)).toEqual(metrics.map((_, i) => i + 1));
  expect(metrics.flatMap((m) => m.rows).at(-1)).toEqual({ _step: 3, loss: 0.5 });

  // Garbled lines were skipped with a warning; the lease is released; the attempt's files are gone.
  expect(agent.stderr()).toMatch(/skipped stdout metric line \(not JSON/);
  expect(agent.stderr()).toMatch(/skipped metrics file line \(not JSON.*garbage line/);
  expect(await c.get(keys.runLease('s1', 'r1'))).toBe(`done|${job.token}`); // released: the attempt's done marker, never claimable again
  expect(await c.get(keys.runOutput('s1', 'r1'))).toContain('bye');
  expect(existsSync(attemptDir)).toBe(false);
  expect(pidAlive(info.pid)).toBe(false);
  // The agent registered itself and heartbeats.
  const ids = await c.zrange(keys.sweepAgents('s1'), 0, -1);
  expect(ids).toHaveLength(1);
  const hash = await c.hgetall(keys.agent('s1', ids[0]!));
  expect(hash).toMatchObject({ sweepId: 's1', slots: '["cpu0"]', pid: String(agent.proc.pid) });
});

test('no process is left behind: every script started from this file is gone once its agents are', async () => {
  for (const a of agents) await stopAgent(a);
  await waitFor('no leftover script', () => processesMentioning(tmp.dir).length === 0 || undefined, 3000).catch(() => undefined);
  expect(processesMentioning(tmp.dir)).toEqual([]);
});
