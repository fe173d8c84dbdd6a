/**
 * GPU slots end to end with a stand-in nvidia-smi listing 8 GPUs: gpus_per_run 2 and 0.5, a
 * scheduler's grant (indices and UUIDs), an agent with too few GPUs, and a multi-process run
 * (a torchrun-like launcher and one worker per GPU) that leaves no process behind however it ends.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { keys } from '../../src/store/keys.js';
import type { StartedEvent } from '../../src/store/run-events.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, pidAlive, processesMentioning, queueFor, readEvents, scratch, spawnAgent, stopAgent, waitFor, type AgentProcess, type Scratch } from './agent-harness.js';

let redis: TestRedis;
let c: Redis;
let tmp: Scratch;
let bin: string;
const agents: AgentProcess[] = [];
const uuid = (i: number) => `GPU-0f8a1c2e-1111-2222-3333-44445555666${i}`;

beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  tmp = scratch();
  bin = join(tmp.dir, 'bin');
  const lines = Array.from({ length: 8 }, (_, i) => `echo "${i}, ${uuid(i)}, NVIDIA H100 80GB HBM3, 81559 MiB"`).join('\n');
  tmp.file('bin/nvidia-smi', `#!/bin/sh\n[ "$1 $2" = "--query-gpu=index,uuid,name,memory.total --format=csv,noheader" ] || { echo "unexpected args: $*" >&2; exit 2; }\n${lines}\n`, true);
});
afterAll(async () => {
  for (const a of agents) await stopAgent(a);
  await closeQueues();
  await redis.stop();
  tmp.remove();
});

function agent(sweepId: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): AgentProcess {
  const a = spawnAgent(sweepId, redis.url, args, { SCRATCH: tmp.dir, PATH: `${bin}:${process.env.PATH}`, CUDA_VISIBLE_DEVICES: undefined, ...env });
  agents.push(a);
  return a;
}

/** The sweep hash as the controller writes it, with the sweep file's execution block. */
async function sweepWith(sweepId: string, hypersweep: string): Promise<void> {
  await createSweep(c, sweepId);
  const config = parseSweepConfig(`method: grid\nparameters:\n  i: {values: [1]}\nhypersweep: ${hypersweep}\n`);
  await c.hset(keys.sweep(sweepId), 'configJson', JSON.stringify(config));
}

/**
 * Each run marks itself active with its GPUs, records any other active run holding one of them
 * beyond `PER_GPU`, waits until `TARGET` runs were active at once (or 45 s), and leaves.
 */
const OCCUPANCY = `
import os, sys, time, json
d = os.path.join(os.environ["SCRATCH"], os.environ["HYPERSWEEP_SWEEP_ID"])
act = os.path.join(d, "active")
os.makedirs(act, exist_ok=True)
rid = os.environ["HYPERSWEEP_RUN_ID"]
gpus = os.environ.get("CUDA_VISIBLE_DEVICES", "")
target, per_gpu = int(os.environ["TARGET"]), int(os.environ["PER_GPU"])
me = os.path.join(act, rid)
open(me + ".tmp", "w").write(gpus)
os.rename(me + ".tmp", me)
record = {"gpus": gpus, "num_gpus": os.environ.get("HYPERSWEEP_NUM_GPUS"), "arg": sys.argv[1:], "order": os.environ.get("CUDA_DEVICE_ORDER"), "max_active": 0, "overuse": []}
deadline = time.time() + 45
while True:
    held = {}
    names = [n for n in os.listdir(act) if not n.endswith(".tmp")]
    for n in names:
        try: text = open(os.path.join(act, n)).read()
        except FileNotFoundError: continue
        for g in text.split(","): held[g] = held.get(g, 0) + 1
    record["max_active"] = max(record["max_active"], len(names))
    record["overuse"] += [g for g in gpus.split(",") if held.get(g, 0) > per_gpu]
    if len(names) >= target: open(os.path.join(d, "reached"), "w").write("1")
    if os.path.exists(os.path.join(d, "reached")) or time.time() > deadline: break
    time.sleep(0.02)
time.sleep(0.2)
os.remove(me)
open(os.path.join(d, rid + ".json"), "w").write(json.dumps(record))
`;

async function occupancySweep(sweepId: string, hypersweep: string, runs: number, env: NodeJS.ProcessEnv, agentEnv: NodeJS.ProcessEnv = {}) {
  const script = tmp.file('occupancy.py', OCCUPANCY);
  await sweepWith(sweepId, hypersweep);
  for (let i = 0; i < runs; i++) await enqueueRun(c, redis.url, { sweepId, runId: `${sweepId}-${i}`, command: ['${interpreter}', script, '--nproc_per_node=${num_gpus}'] });
  const a = agent(sweepId, [], { ...env, ...agentEnv });
  const fins = await waitFor(
    `${runs} finished`,
    async () => {
      const f = await Promise.all(Array.from({ length: runs }, (_, i) => finishedEvent(c, sweepId, `${sweepId}-${i}`)));
      return f.every(Boolean) ? f : undefined;
    },
    60_000,
  );
  expect(fins.map((f) => f!.outcome)).toEqual(Array(runs).fill('finished'));
  const dir = join(tmp.dir, sweepId);
  const records = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { gpus: string; num_gpus: string; arg: string[]; order: string; max_active: number; overuse: string[] });
  expect(records).toHaveLength(runs);
  const started = (await readEvents(c, sweepId)).filter((e): e is StartedEvent => e.type === 'started');
  return { agent: a, records, reached: existsSync(join(dir, 'reached')), slots: started.map((e) => e.slot) };
}

describe('stand-in nvidia-smi with 8 GPUs', () => {
  test('gpus_per_run 2: 4 runs at once, each on 2 GPUs, never sharing one', async () => {
    const { agent: a, records, reached, slots } = await occupancySweep('two', '{gpus_per_run: 2}', 8, { TARGET: '4', PER_GPU: '1' });
    expect(reached).toBe(true);
    expect(Math.max(...records.map((r) => r.max_active))).toBe(4);
    expect(records.flatMap((r) => r.overuse)).toEqual([]);
    expect(new Set(records.map((r) => r.gpus))).toEqual(new Set(['0,1', '2,3', '4,5', '6,7']));
    expect(records.every((r) => r.num_gpus === '2' && r.arg[0] === '--nproc_per_node=2' && r.order === 'PCI_BUS_ID')).toBe(true);
    expect(new Set(slots)).toEqual(new Set(['gpu0+1', 'gpu2+3', 'gpu4+5', 'gpu6+7']));
    expect(a.stderr()).toMatch(/8 GPU\(s\) from nvidia-smi: 4 slot\(s\) of 2 GPUs \(gpus_per_run 2\)/);
  }, 90_000);

  test('gpus_per_run 0.5: 16 runs at once, never more than 2 on one GPU', async () => {
    const { records, reached, slots } = await occupancySweep('half', '{gpus_per_run: 0.5}', 16, { TARGET: '16', PER_GPU: '2' });
    expect(reached).toBe(true);
    expect(Math.max(...records.map((r) => r.max_active))).toBe(16);
    expect(records.flatMap((r) => r.overuse)).toEqual([]);
    const perGpu = new Map<string, number>();
    for (const r of records) perGpu.set(r.gpus, (perGpu.get(r.gpus) ?? 0) + 1);
    expect([...perGpu.keys()].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect([...perGpu.values()]).toEqual(Array(8).fill(2));
    expect(records.every((r) => r.num_gpus === '1' && r.arg[0] === '--nproc_per_node=1')).toBe(true);
    expect(new Set(slots).size).toBe(16);
  }, 90_000);

  test('a grant CUDA_VISIBLE_DEVICES=2,5: only GPUs 2 and 5 are handed out', async () => {
    const { records, reached } = await occupancySweep('grant', '{max_attempts: 3}', 6, { TARGET: '2', PER_GPU: '1' }, { CUDA_VISIBLE_DEVICES: '2,5' });
    expect(reached).toBe(true);
    expect(Math.max(...records.map((r) => r.max_active))).toBe(2);
    expect(new Set(records.map((r) => r.gpus))).toEqual(new Set(['2', '5']));
    expect(records.flatMap((r) => r.overuse)).toEqual([]);
  }, 90_000);

  test('a grant of UUIDs: runs see only those UUIDs; gpus_per_run 2 puts both in one slot', async () => {
    const grant = `${uuid(6)},${uuid(1)}`;
    const { records, agent: a } = await occupancySweep('uuids', '{gpus_per_run: 2}', 3, { TARGET: '1', PER_GPU: '1' }, { CUDA_VISIBLE_DEVICES: grant });
    expect(new Set(records.map((r) => r.gpus))).toEqual(new Set([`${uuid(1)},${uuid(6)}`]));
    expect(a.stderr()).toMatch(/2 GPU\(s\) from nvidia-smi within CUDA_VISIBLE_DEVICES=/);
  }, 90_000);

  test('--gpus outside the grant is an error, before any job is touched', async () => {
    await sweepWith('outside', '{max_attempts: 3}');
    await enqueueRun(c, redis.url, { sweepId: 'outside', runId: 'outside-0', command: ['true'] });
    const a = agent('outside', ['--gpus', '3'], { CUDA_VISIBLE_DEVICES: '2,5' });
    expect(await a.exited).toBe(1);
    expect(a.stderr()).toMatch(/--gpus 3: outside the GPUs this agent was granted \(CUDA_VISIBLE_DEVICES=2,5; usable: 2,5\)/);
    expect(await queueFor(redis.url, 'outside').getJobCounts('waiting')).toMatchObject({ waiting: 1 });
  }, 30_000);

  test('an agent with fewer GPUs than gpus_per_run takes no run, says why once, and leaves the jobs queued', async () => {
    await sweepWith('few', '{gpus_per_run: 4}');
    for (let i = 0; i < 2; i++) await enqueueRun(c, redis.url, { sweepId: 'few', runId: `few-${i}`, command: ['true'] });
    const a = agent('few', [], { CUDA_VISIBLE_DEVICES: '1,2' });
    expect(await a.exited).toBe(1);
    const said = a.stderr().match(/gpus_per_run 4 needs 4 GPU\(s\) per run, but this agent may use 2/g) ?? [];
    expect(said).toHaveLength(1);
    expect(await readEvents(c, 'few')).toEqual([]);
    expect(await queueFor(redis.url, 'few').getJobCounts('waiting', 'active', 'failed', 'completed')).toMatchObject({ waiting: 2, active: 0, failed: 0, completed: 0 });
    // --slots ignores the key: the same sweep runs on CPU slots.
    const b = agent('few', ['--slots', '2', '--count', '2']);
    expect(await b.exited).toBe(0);
    expect((await finishedEvent(c, 'few', 'few-0'))?.outcome).toBe('finished');
    expect(b.stderr()).toMatch(/gpus_per_run 4 ignored/);
  }, 30_000);
});

/**
 * torchrun in miniature: starts ${num_gpus} workers that ignore SIGTERM (as a worker stuck in a
 * collective would), writes every pid, and on SIGTERM exits at once without waiting for them.
 */
const LAUNCHER = `
import os, signal, subprocess, sys, time
n = int(sys.argv[1])
worker = "import signal, time\\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\\nwhile True: time.sleep(0.05)\\n"
procs = [subprocess.Popen([sys.executable, "-c", worker]) for _ in range(n)]
out = os.path.join(os.environ["SCRATCH"], os.environ["HYPERSWEEP_RUN_ID"] + ".pids")
open(out + ".tmp", "w").write(" ".join(str(p) for p in [os.getpid()] + [p.pid for p in procs]))
os.rename(out + ".tmp", out)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
while True: time.sleep(0.05)
`;

describe('a multi-process run is one process group', () => {
  let launcher: string;
  beforeAll(() => {
    launcher = tmp.file('launcher.py', LAUNCHER);
  });

  async function startDdp(sweepId: string, agentArgs: string[] = []) {
    await sweepWith(sweepId, '{gpus_per_run: 4}');
    await enqueueRun(c, redis.url, { sweepId, runId: `${sweepId}-r`, command: ['${interpreter}', launcher, '${num_gpus}'] });
    const a = agent(sweepId, ['--grace-sec', '1', ...agentArgs]);
    const pidsFile = join(tmp.dir, `${sweepId}-r.pids`);
    const pids = await waitFor('the launcher and its 4 workers', () => existsSync(pidsFile) && readFileSync(pidsFile, 'utf8').split(' ').map(Number), 30_000);
    expect(pids).toHaveLength(5);
    expect(pids.every(pidAlive)).toBe(true);
    const started = (await readEvents(c, sweepId)).find((e): e is StartedEvent => e.type === 'started')!;
    return { a, pids, agentId: started.agentId, runId: `${sweepId}-r` };
  }

  async function expectAllGone(pids: number[]): Promise<void> {
    await waitFor('every process of the run to be gone', () => pids.every((p) => !pidAlive(p)), 5000);
  }

  test('stop: the launcher exits on SIGTERM, its workers (ignoring SIGTERM) are killed with it', async () => {
    const { pids, agentId, runId } = await startDdp('ddp-stop');
    await c.hset(keys.run('ddp-stop', runId), 'stop', 'stop');
    await c.publish(keys.agentChannel(agentId), JSON.stringify({ type: 'stop', runId }));
    expect((await waitFor('finished', () => finishedEvent(c, 'ddp-stop', runId), 15_000)).outcome).toBe('stopped');
    await expectAllGone(pids);
  }, 60_000);

  test('cancel', async () => {
    const { pids, agentId, runId } = await startDdp('ddp-cancel');
    await c.hset(keys.run('ddp-cancel', runId), 'stop', 'cancel');
    await c.publish(keys.agentChannel(agentId), JSON.stringify({ type: 'cancel', runId }));
    expect((await waitFor('finished', () => finishedEvent(c, 'ddp-cancel', runId), 15_000)).outcome).toBe('canceled');
    await expectAllGone(pids);
  }, 60_000);

  test('lease loss', async () => {
    const { pids, runId } = await startDdp('ddp-lease', ['--lease-ms', '900']);
    await c.set(keys.runLease('ddp-lease', runId), 'T-other|agent-x|gpu0', 'PX', 60_000);
    expect((await waitFor('finished', () => finishedEvent(c, 'ddp-lease', runId), 15_000)).outcome).toBe('lost');
    await expectAllGone(pids);
  }, 60_000);

  test('preemption (SIGTERM to the agent)', async () => {
    const { a, pids, runId } = await startDdp('ddp-preempt');
    a.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    expect((await finishedEvent(c, 'ddp-preempt', runId))?.outcome).toBe('preempted');
    await expectAllGone(pids);
  }, 60_000);

  test('nothing started from this file is left', async () => {
    for (const a of agents) await stopAgent(a);
    await waitFor('no leftover', () => processesMentioning(tmp.dir).length === 0, 5000).catch(() => undefined);
    expect(processesMentioning(tmp.dir)).toEqual([]);
  });
});
