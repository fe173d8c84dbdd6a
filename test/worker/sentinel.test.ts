/**
 * The sentinel starts the scripts (worker/sentinel.ts): their bytes, exits and start errors come
 * back exactly; one sentinel serves every agent of a process; a sentinel that dies takes its
 * scripts with it (their attempts end `lost` and run again) and the next script gets a new one.
 */
import { afterAll, expect, test } from 'vitest';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from '../../worker/agent.js';
import { sharedSentinelPid, useSentinel, type Sentinel } from '../../worker/sentinel.js';
import type { ProcessGroup } from '../../worker/process-group.js';
import { redisForFile } from '../helpers/redis-server.js';
import { closeQueues, createSweep, enqueueRun, finishedEvent, pidAlive, scratch, waitFor } from './agent-harness.js';

const r = redisForFile();
const tmp = scratch();
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
afterAll(async () => {
  await closeQueues();
  tmp.remove();
});

/** Everything a group wrote on stdout and stderr, once its leader exited and both pipes closed. */
async function drain(g: ProcessGroup): Promise<{ out: Buffer; err: Buffer; exit: Awaited<ProcessGroup['exited']> }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const closed = Promise.all([new Promise((res) => g.stdout.once('close', res)), new Promise((res) => g.stderr.once('close', res))]);
  g.stdout.on('data', (d: Buffer) => out.push(d));
  g.stderr.on('data', (d: Buffer) => err.push(d));
  const exit = await g.exited;
  await closed;
  return { out: Buffer.concat(out), err: Buffer.concat(err), exit };
}

test('a script started by the sentinel: its exact bytes (binary, 2 MB), its exit code or signal, its environment and cwd; ENOENT when it cannot start', async () => {
  const shared = useSentinel();
  try {
    const sentinel = shared.current;
    const blob = randomBytes(2 * 1024 * 1024);
    const file = tmp.file('blob.bin', '');
    writeFileSync(file, blob);
    const cat = await drain(await sentinel.spawn(['/bin/sh', '-c', `cat "${file}"; printf 'to stderr' >&2; exit 3`], { cwd: tmp.dir, env: { PATH: process.env.PATH } }));
    expect(cat.out.equals(blob)).toBe(true);
    expect(cat.err.toString()).toBe('to stderr');
    expect(cat.exit).toEqual({ code: 3, signal: null });

    const env = await drain(await sentinel.spawn(['/bin/sh', '-c', 'printf "%s %s" "$HS_TEST_VALUE" "$(pwd)"'], { cwd: tmp.dir, env: { PATH: process.env.PATH, HS_TEST_VALUE: 'a b\nc' } }));
    expect(env.out.toString()).toBe(`a b\nc ${tmp.dir}`);

    const self = await sentinel.spawn(['/bin/sh', '-c', 'kill -TERM $$; sleep 5'], { cwd: tmp.dir, env: {} });
    expect((await drain(self)).exit).toEqual({ code: null, signal: 'SIGTERM' });

    const missing = await sentinel.spawn(['/no/such/program'], { cwd: tmp.dir, env: {} }).catch((e: NodeJS.ErrnoException) => e);
    expect((missing as NodeJS.ErrnoException).code).toBe('ENOENT');
  } finally {
    shared.release();
  }
});

test('one sentinel for every agent of a process: it lives until the last one releases it, then exits killing what it still watches', async () => {
  const a = useSentinel();
  const b = useSentinel();
  const sentinel: Sentinel = a.current;
  expect(b.current).toBe(sentinel);
  const g = await sentinel.spawn(['/bin/sleep', '30'], { cwd: tmp.dir, env: {} });
  sentinel.watch(g.pid);
  a.release();
  a.release(); // idempotent: does not count for b
  await new Promise((res) => setTimeout(res, 300));
  expect(pidAlive(sentinel.pid!)).toBe(true);
  expect(pidAlive(g.pid)).toBe(true);
  b.release();
  await waitFor('the sentinel gone', () => !pidAlive(sentinel.pid!), 5000);
  await waitFor('its script killed', () => !pidAlive(g.pid), 5000);
});

test('the sentinel is SIGKILLed while it runs a script: the script is killed, its attempt ends lost, and the next run starts from a new sentinel', async () => {
  const sweepId = 'sentinel-dies';
  await createSweep(r.client, sweepId);
  const script = tmp.file('loop.sh', 'echo $$ > "$SCRATCH/pid-$RUN"\nwhile true; do sleep 0.05; done\n');
  const quick = tmp.file('quick.sh', 'echo done > "$SCRATCH/done"\n');
  const agent = new Agent({ sweepId, redisUrl: r.server.url, slots: [{ name: 'cpu0', env: {} }], log: silent, interpreter: 'python3', cwd: tmp.dir, env: { ...process.env, SCRATCH: tmp.dir, RUN: 'r1' }, stay: true });
  await agent.start();
  try {
    await enqueueRun(r.client, r.server.url, { sweepId, runId: 'r1', command: ['/bin/sh', script] });
    const pidFile = join(tmp.dir, 'pid-r1');
    await waitFor('the script started', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
    const scriptPid = Number(readFileSync(pidFile, 'utf8'));
    const first = sharedSentinelPid()!;
    expect(first).toBeGreaterThan(0);
    process.kill(first, 'SIGKILL');
    const fin = await waitFor('the attempt reported', () => finishedEvent(r.client, sweepId, 'r1'), 10_000);
    expect(fin.outcome).toBe('lost');
    await waitFor('the script killed', () => !pidAlive(scriptPid), 5000);

    await enqueueRun(r.client, r.server.url, { sweepId, runId: 'r2', command: ['/bin/sh', quick] });
    const next = await waitFor('the next run finished', () => finishedEvent(r.client, sweepId, 'r2'), 10_000);
    expect(next.outcome).toBe('finished');
    expect(readFileSync(join(tmp.dir, 'done'), 'utf8')).toBe('done\n');
    expect(sharedSentinelPid()).toBeGreaterThan(0);
    expect(sharedSentinelPid()).not.toBe(first);
  } finally {
    await agent.shutdown('test');
  }
});

test('an agent frozen (SIGSTOP) while its script floods stdout: the sentinel still kills the script at its lease deadline', async () => {
  // The agent's side in its own process, so that it can be frozen: it starts `yes` through the sentinel with a deadline 1.5 s away.
  const host = tmp.file(
    'frozen-agent.mts',
    `import { useSentinel } from ${JSON.stringify(join(import.meta.dirname, '../../worker/sentinel.ts'))};
import { monotonicMs } from ${JSON.stringify(join(import.meta.dirname, '../../worker/lease-deadline.ts'))};
setInterval(() => {}, 1000);
const sentinel = useSentinel().current;
const g = await sentinel.spawn(['/usr/bin/yes', 'a line of output that nobody reads'], { cwd: '/', env: {} });
sentinel.watch(g.pid, monotonicMs() + 1500);
console.log(g.pid);
`,
  );
  const agent = spawn(process.execPath, ['--import', 'tsx', host], { cwd: join(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const pid = await new Promise<number>((res) => agent.stdout!.once('data', (d: Buffer) => res(Number(d.toString().trim()))));
    process.kill(agent.pid!, 'SIGSTOP');
    expect(pidAlive(pid)).toBe(true);
    await waitFor('the flooding script killed by the sentinel while its agent is frozen', () => !pidAlive(pid), 6000);
  } finally {
    agent.kill('SIGKILL');
    process.kill(agent.pid!, 'SIGCONT');
  }
});
