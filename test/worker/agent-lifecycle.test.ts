/** GPU slots from a stand-in nvidia-smi, --count, the failure budget, sweep state, command errors, stale jobs, output tail. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { keys } from '../../src/store/keys.js';
import type { StartedEvent } from '../../src/store/run-events.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, pidAlive, queueFor, readEvents, scratch, spawnAgent, stopAgent, waitFor, processesMentioning, type AgentProcess, type Scratch } from './agent-harness.js';

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

function agent(sweepId: string, args: string[], env: NodeJS.ProcessEnv = {}): AgentProcess {
  const a = spawnAgent(sweepId, redis.url, args, { SCRATCH: tmp.dir, ...env });
  agents.push(a);
  return a;
}

test('a stand-in nvidia-smi with 4 GPUs: 4 runs at once, CUDA_VISIBLE_DEVICES 0..3', async () => {
  const bin = join(tmp.dir, 'bin');
  tmp.file(
    'bin/nvidia-smi',
    `#!/bin/sh
[ "$1 $2" = "--query-gpu=index,uuid,name,memory.total --format=csv,noheader" ] || { echo "unexpected args: $*" >&2; exit 2; }
echo "0, GPU-0f8a1c2e-1111-2222-3333-444455556660, NVIDIA A100-SXM4-40GB, 40960 MiB"
echo "1, GPU-0f8a1c2e-1111-2222-3333-444455556661, NVIDIA A100-SXM4-40GB, 40960 MiB"
echo "2, GPU-0f8a1c2e-1111-2222-3333-444455556662, NVIDIA A100-SXM4-40GB, 40960 MiB"
echo "3, GPU-0f8a1c2e-1111-2222-3333-444455556663, NVIDIA A100-SXM4-40GB, 40960 MiB"
`,
    true,
  );
  // Each run records its GPU and waits until all four are running at the same time.
  const script = tmp.file(
    'gpu.py',
    `import os, sys, time
d = os.path.join(os.environ["SCRATCH"], "gpu")
os.makedirs(d, exist_ok=True)
open(os.path.join(d, os.environ["HYPERSWEEP_RUN_ID"]), "w").write(os.environ.get("CUDA_VISIBLE_DEVICES", "unset") + " " + os.environ.get("CUDA_DEVICE_ORDER", "") + " " + str(os.getpid()))
deadline = time.time() + 15
while len(os.listdir(d)) < 4:
    if time.time() > deadline: sys.exit(3)
    time.sleep(0.02)
`,
  );
  await createSweep(c, 'g4');
  for (let i = 0; i < 4; i++) await enqueueRun(c, redis.url, { sweepId: 'g4', runId: `g${i}`, program: script });
  const a = agent('g4', [], { PATH: `${bin}:${process.env.PATH}`, CUDA_VISIBLE_DEVICES: undefined });
  const fins = await waitFor('4 finished', async () => {
    const f = await Promise.all([0, 1, 2, 3].map((i) => finishedEvent(c, 'g4', `g${i}`)));
    return f.every(Boolean) ? f : undefined;
  });
  expect(fins.map((f) => f!.outcome)).toEqual(['finished', 'finished', 'finished', 'finished']);
  const seen = readdirSync(join(tmp.dir, 'gpu')).map((f) => readFileSync(join(tmp.dir, 'gpu', f), 'utf8').split(' '));
  expect(seen.map((s) => s[0]).sort()).toEqual(['0', '1', '2', '3']);
  expect(seen.every((s) => s[1] === 'PCI_BUS_ID')).toBe(true);
  expect(seen.every((s) => !pidAlive(Number(s[2])))).toBe(true);
  const started = (await readEvents(c, 'g4')).filter((e): e is StartedEvent => e.type === 'started');
  expect(started.map((e) => e.slot).sort()).toEqual(['gpu0', 'gpu1', 'gpu2', 'gpu3']);
  const hash = await c.hgetall(keys.agent('g4', started[0]!.agentId));
  expect(JSON.parse(hash.slots!)).toEqual(['gpu0', 'gpu1', 'gpu2', 'gpu3']);
  expect(a.stderr()).toMatch(/4 GPU\(s\) from nvidia-smi/);
});

test('--count 2 runs two runs and exits, leaving the third queued', async () => {
  await createSweep(c, 'cn');
  for (let i = 0; i < 3; i++) await enqueueRun(c, redis.url, { sweepId: 'cn', runId: `cn${i}`, command: ['python3', '-c', 'print("ok")'] });
  const a = agent('cn', ['--slots', '1', '--count', '2']);
  expect(await a.exited).toBe(0);
  const fins = (await readEvents(c, 'cn')).filter((e) => e.type === 'finished');
  expect(fins).toHaveLength(2);
  expect(await queueFor(redis.url, 'cn').getJobCounts('waiting')).toMatchObject({ waiting: 1 });
});

test('--max-failures 2: two failed runs in a row and the agent exits 1 saying why', async () => {
  await createSweep(c, 'mf');
  for (let i = 0; i < 3; i++) await enqueueRun(c, redis.url, { sweepId: 'mf', runId: `mf${i}`, command: ['python3', '-c', 'import sys; print("boom", file=sys.stderr); sys.exit(3)'] });
  const a = agent('mf', ['--slots', '1', '--max-failures', '2']);
  expect(await a.exited).toBe(1);
  expect(a.stderr()).toMatch(/2 runs in a row failed \(--max-failures 2\)/);
  const fins = (await readEvents(c, 'mf')).filter((e) => e.type === 'finished');
  expect(fins).toHaveLength(2);
  expect(fins[0]).toMatchObject({ outcome: 'failed', exitCode: 3, message: 'exit code 3' });
  expect((fins[0] as { outputTail: string }).outputTail).toContain('boom');
});

test('an unset ${envvar:…} ends the attempt as error with a clear message; a missing program too', async () => {
  await createSweep(c, 'ev');
  await enqueueRun(c, redis.url, { sweepId: 'ev', runId: 'ev1', command: ['python3', '--data=${envvar:HS_TEST_UNSET_VAR}'] });
  await enqueueRun(c, redis.url, { sweepId: 'ev', runId: 'ev2', command: ['hs-no-such-program-xyz'] });
  const a = agent('ev', ['--slots', '1', '--count', '2'], { HS_TEST_UNSET_VAR: undefined });
  expect(await a.exited).toBe(0);
  expect(await finishedEvent(c, 'ev', 'ev1')).toMatchObject({ outcome: 'error', message: expect.stringContaining('unset environment variable HS_TEST_UNSET_VAR') });
  expect(await finishedEvent(c, 'ev', 'ev2')).toMatchObject({ outcome: 'error', message: expect.stringMatching(/cannot start "hs-no-such-program-xyz": ENOENT/) });
});

test('a stale job (token no longer the run’s) runs nothing', async () => {
  await createSweep(c, 'st');
  await enqueueRun(c, redis.url, { sweepId: 'st', runId: 'st1', command: ['python3', '-c', 'open("/dev/null")'] });
  await c.hset(keys.run('st', 'st1'), 'token', 'a-newer-token');
  await enqueueRun(c, redis.url, { sweepId: 'st', runId: 'st2', command: ['python3', '-c', 'print(1)'] });
  const a = agent('st', ['--slots', '1', '--count', '1']);
  expect(await a.exited).toBe(0);
  expect(await readEvents(c, 'st', 'st1')).toEqual([]);
  expect(await finishedEvent(c, 'st', 'st2')).toMatchObject({ outcome: 'finished' });
  expect(a.stderr()).toMatch(/stale job/);
});

test('the sweep finishing: the agent exits after its run; canceled: it kills the run at once', async () => {
  const loop = tmp.file('sleep.py', 'import time\nwhile True: time.sleep(0.05)\n');
  await createSweep(c, 'fin');
  await enqueueRun(c, redis.url, { sweepId: 'fin', runId: 'fin1', command: ['python3', '-c', 'import time; time.sleep(1.5)'] });
  const a = agent('fin', ['--slots', '1']);
  await waitFor('started', async () => (await readEvents(c, 'fin')).length > 0);
  await c.hset(keys.sweep('fin'), 'state', 'finished');
  expect(await a.exited).toBe(0);
  expect(await finishedEvent(c, 'fin', 'fin1')).toMatchObject({ outcome: 'finished' });

  await createSweep(c, 'can');
  await enqueueRun(c, redis.url, { sweepId: 'can', runId: 'can1', command: ['python3', loop] });
  const b = agent('can', ['--slots', '1']);
  await waitFor('started', async () => (await readEvents(c, 'can')).length > 0);
  await c.hset(keys.sweep('can'), 'state', 'canceled');
  expect(await b.exited).toBe(0);
  expect(await finishedEvent(c, 'can', 'can1')).toMatchObject({ outcome: 'canceled', signal: 'SIGKILL' });
});

test('an unknown sweep is an error at start', async () => {
  const a = agent('nope', ['--slots', '1']);
  expect(await a.exited).toBe(1);
  expect(a.stderr()).toMatch(/sweep nope not found/);
});

test('output: the finished event and keys.runOutput hold the last 64 KB, live while the run goes on', async () => {
  await createSweep(c, 'out');
  const script = tmp.file('out.py', `import os, time
for i in range(4000): print(f"line {i:05d} " + "x" * 40)
print("END-OF-BURST", flush=True)
while not os.path.exists(os.path.join(os.environ["SCRATCH"], "out-go")): time.sleep(0.02)
print("LAST")
`);
  await enqueueRun(c, redis.url, { sweepId: 'out', runId: 'out1', program: script });
  agent('out', ['--slots', '1']);
  const live = await waitFor('live output', async () => {
    const t = await c.get(keys.runOutput('out', 'out1'));
    return t?.includes('END-OF-BURST') ? t : undefined;
  }, 30_000);
  expect(Buffer.byteLength(live)).toBeLessThanOrEqual(64 * 1024);
  expect(live).not.toContain('line 00000 ');
  tmp.file('out-go', '');
  const fin = await waitFor('finished', () => finishedEvent(c, 'out', 'out1'));
  expect(Buffer.byteLength(fin.outputTail)).toBeLessThanOrEqual(64 * 1024);
  expect(Buffer.byteLength(fin.outputTail)).toBeGreaterThan(60 * 1024);
  expect(fin.outputTail.trimEnd().endsWith('LAST')).toBe(true);
  expect(existsSync(join(tmp.dir, 'out-go'))).toBe(true);
});

test('no process is left behind: every script started from this file is gone once its agents are', async () => {
  for (const a of agents) await stopAgent(a);
  await waitFor('no leftover script', () => processesMentioning(tmp.dir).length === 0 || undefined, 3000).catch(() => undefined);
  expect(processesMentioning(tmp.dir)).toEqual([]);
});
