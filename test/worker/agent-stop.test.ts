/** Stopping runs: stop, cancel, a script that ignores SIGTERM, lost lease, timeout, signals to the agent; never an orphan. */
import { existsSync, readFileSync } from 'node:fs';
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

/** Writes its pid and a grandchild's pid; on SIGTERM writes a marker and exits (or, with IGNORE_TERM, keeps going). */
const SCRIPT = `
import os, signal, subprocess, sys, time
d, rid = os.environ["SCRATCH"], os.environ["HYPERSWEEP_RUN_ID"] + "-" + os.environ["HYPERSWEEP_ATTEMPT"]
if os.environ.get("FINISH_ON_ATTEMPT") == os.environ["HYPERSWEEP_ATTEMPT"]:
    print("done"); sys.exit(0)
grandchild = subprocess.Popen(["sleep", "300"])
def on_term(*_):
    open(os.path.join(d, rid + ".sigterm"), "w").write("1")
    if not os.environ.get("IGNORE_TERM"):
        grandchild.kill(); sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
open(os.path.join(d, rid + ".pids.tmp"), "w").write(f"{os.getpid()} {grandchild.pid}")
os.rename(os.path.join(d, rid + ".pids.tmp"), os.path.join(d, rid + ".pids"))
while True: time.sleep(0.02)
`;

let script: string;
beforeAll(() => {
  script = tmp.file('loop.py', SCRIPT);
});

async function startRun(sweepId: string, runId: string, agentArgs: string[] = [], env: NodeJS.ProcessEnv = {}, execution = {}) {
  await createSweep(c, sweepId);
  const job = await enqueueRun(c, redis.url, { sweepId, runId, program: script, execution });
  const agent = spawnAgent(sweepId, redis.url, ['--slots', '1', ...agentArgs], { SCRATCH: tmp.dir, ...env });
  agents.push(agent);
  const pidsFile = join(tmp.dir, `${runId}-1.pids`);
  const [pid, grandchild] = await waitFor('the script to start', () => existsSync(pidsFile) && readFileSync(pidsFile, 'utf8').split(' ').map(Number));
  const started = (await readEvents(c, sweepId, runId)).find((e): e is StartedEvent => e.type === 'started')!;
  return { job, agent, pid: pid!, grandchild: grandchild!, agentId: started.agentId };
}

const sigterm = (runId: string, attempt = 1) => existsSync(join(tmp.dir, `${runId}-${attempt}.sigterm`));

test('a stop request (pub/sub) SIGTERMs the script, which is gone within 2 s with its grandchild', async () => {
  const { pid, grandchild, agentId } = await startRun('sa', 'ra');
  expect(pidAlive(pid) && pidAlive(grandchild)).toBe(true);
  const t = Date.now();
  await c.hset(keys.run('sa', 'ra'), 'stop', 'stop');
  await c.publish(keys.agentChannel(agentId), JSON.stringify({ type: 'stop', runId: 'ra' }));
  const fin = await waitFor('finished', () => finishedEvent(c, 'sa', 'ra'));
  expect(fin.at - t).toBeLessThan(2000);
  expect(fin).toMatchObject({ outcome: 'stopped' });
  expect(sigterm('ra')).toBe(true);
  expect(pidAlive(pid)).toBe(false);
  expect(pidAlive(grandchild)).toBe(false);
});

test('a script that ignores SIGTERM is SIGKILLed after the grace period (stop seen by polling, no pub/sub)', async () => {
  const { pid, grandchild } = await startRun('sb', 'rb', ['--grace-sec', '1'], { IGNORE_TERM: '1' });
  const t = Date.now();
  await c.hset(keys.run('sb', 'rb'), 'stop', 'stop');
  // Without pub/sub the stop rides on the next lease renewal (every 15 s / 4) or heartbeat (every 5 s).
  await waitFor('SIGTERM marker', () => sigterm('rb'), 7000, 20);
  const termAt = Date.now();
  expect(termAt - t).toBeLessThan(6000);
  expect(pidAlive(pid)).toBe(true); // still running: it ignored SIGTERM
  const fin = await waitFor('finished', () => finishedEvent(c, 'sb', 'rb'));
  expect(fin).toMatchObject({ outcome: 'stopped', signal: 'SIGKILL', exitCode: null });
  // SIGKILL one grace period (1 s) after the SIGTERM, not before, not long after.
  expect(fin.at - termAt).toBeGreaterThanOrEqual(900);
  expect(fin.at - termAt).toBeLessThan(2500);
  expect(pidAlive(pid) || pidAlive(grandchild)).toBe(false);
});

test('cancel kills at once with SIGKILL, no SIGTERM first', async () => {
  const { pid, agentId } = await startRun('sc', 'rc');
  const t = Date.now();
  await c.hset(keys.run('sc', 'rc'), 'stop', 'cancel');
  await c.publish(keys.agentChannel(agentId), JSON.stringify({ type: 'cancel', runId: 'rc' }));
  const fin = await waitFor('finished', () => finishedEvent(c, 'sc', 'rc'));
  expect(fin).toMatchObject({ outcome: 'canceled', signal: 'SIGKILL' });
  expect(fin.at - t).toBeLessThan(1500);
  expect(sigterm('rc')).toBe(false);
  expect(pidAlive(pid)).toBe(false);
});

test('losing the lease kills the script: outcome lost', async () => {
  const { pid, grandchild } = await startRun('sd', 'rd', ['--lease-ms', '900']);
  await c.set(keys.runLease('sd', 'rd'), 'T-other|agent-x|gpu0', 'PX', 60_000);
  const fin = await waitFor('finished', () => finishedEvent(c, 'sd', 'rd'));
  expect(fin).toMatchObject({ outcome: 'lost', signal: 'SIGKILL' });
  expect(fin.message).toMatch(/lease lost/);
  expect(await c.get(keys.runLease('sd', 'rd'))).toBe('T-other|agent-x|gpu0'); // not ours: left alone
  expect(pidAlive(pid) || pidAlive(grandchild)).toBe(false);
});

test('execution.run_timeout_sec ends the run with outcome timeout', async () => {
  const t = Date.now();
  // 4 s, not 1: the script must have set its SIGTERM handler and written its pids before the
  // timeout fires, and a python3 behind a pyenv shim alone takes 1-1.5 s to start on a busy machine.
  const { pid } = await startRun('se', 're', [], {}, { run_timeout_sec: 4 });
  const fin = await waitFor('finished', () => finishedEvent(c, 'se', 're'));
  expect(fin).toMatchObject({ outcome: 'timeout' });
  expect(fin.message).toMatch(/timed out after 4 s/);
  expect(fin.at - t).toBeGreaterThanOrEqual(4000);
  expect(sigterm('re')).toBe(true);
  expect(pidAlive(pid)).toBe(false);
});

test('SIGTERM to the agent: its script gets SIGTERM, the run ends preempted, no new run is taken, the agent exits 0', async () => {
  const { agent, pid, grandchild } = await startRun('sf', 'rf');
  await enqueueRun(c, redis.url, { sweepId: 'sf', runId: 'rf2', program: script });
  agent.proc.kill('SIGTERM');
  expect(await agent.exited).toBe(0);
  expect(sigterm('rf')).toBe(true);
  expect(await finishedEvent(c, 'sf', 'rf')).toMatchObject({ outcome: 'preempted' });
  expect(pidAlive(pid) || pidAlive(grandchild)).toBe(false);
  expect((await readEvents(c, 'sf', 'rf2')).length).toBe(0);
  expect(await queueFor(redis.url, 'sf').getJobCounts('waiting', 'active')).toMatchObject({ waiting: 1, active: 0 });
  expect(agent.stderr()).toMatch(/exited \(signal\)/);
});

test('a second signal SIGKILLs a script that ignores SIGTERM and the agent exits at once', async () => {
  const { agent, pid, grandchild } = await startRun('sg', 'rg', [], { IGNORE_TERM: '1' });
  agent.proc.kill('SIGTERM');
  await waitFor('SIGTERM marker', () => sigterm('rg'), 5000);
  const t = Date.now();
  agent.proc.kill('SIGTERM');
  await agent.exited;
  expect(Date.now() - t).toBeLessThan(1000);
  await waitFor('script gone', () => !pidAlive(pid) && !pidAlive(grandchild), 2000);
});

test('an agent killed with SIGKILL leaves no process behind; attempt 2 of its run finishes on another agent', async () => {
  const { agent, pid, grandchild, job } = await startRun('sh', 'rh', ['--lease-ms', '1000'], { FINISH_ON_ATTEMPT: '2' });
  agent.proc.kill('SIGKILL');
  await agent.exited;
  await waitFor('the orphaned script to be reaped', () => !pidAlive(pid) && !pidAlive(grandchild), 3000);
  await waitFor('the lease to expire', async () => (await c.exists(keys.runLease('sh', 'rh'))) === 0, 3000);
  // What the controller does when it sees the lease gone: attempt 2 with a new token.
  await c.hset(keys.run('sh', 'rh'), 'state', 'running');
  const job2 = await enqueueRun(c, redis.url, { sweepId: 'sh', runId: 'rh', attempt: 2, program: script });
  expect(job2.token).not.toBe(job.token);
  const other = spawnAgent('sh', redis.url, ['--slots', '1'], { SCRATCH: tmp.dir, FINISH_ON_ATTEMPT: '2' });
  agents.push(other);
  const fin = await waitFor('attempt 2 finished', () => finishedEvent(c, 'sh', 'rh', 2));
  expect(fin).toMatchObject({ outcome: 'finished', exitCode: 0, token: job2.token });
  const started = (await readEvents(c, 'sh', 'rh')).filter((e): e is StartedEvent => e.type === 'started');
  expect(started.map((e) => e.attempt)).toEqual([1, 2]);
  expect(started[0]!.agentId).not.toBe(started[1]!.agentId);
});

test('no process is left behind: every script started from this file is gone once its agents are', async () => {
  for (const a of agents) await stopAgent(a);
  await waitFor('no leftover script', () => processesMentioning(tmp.dir).length === 0 || undefined, 3000).catch(() => undefined);
  expect(processesMentioning(tmp.dir)).toEqual([]);
});
