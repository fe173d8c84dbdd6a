/**
 * Test harness for the agent before (and besides) the controller: creates the sweep and run
 * hashes and queues RunJobs exactly as the protocol says (src/store/attempt-lease.ts), spawns
 * real `hypersweep agent` processes, and reads the events they report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config, ExecutionSpec } from '../../src/config/types.js';
import { QUEUE_PREFIX, runJobId, runQueueName, type RunJob } from '../../src/queue/run-job.js';
import { keys } from '../../src/store/keys.js';
import { decodeRunEvent, type FinishedEvent, type RunEvent } from '../../src/store/run-events.js';

export const REPO = join(import.meta.dirname, '..', '..');
export const PYTHON_DIR = join(REPO, 'python');
/** tsx by absolute URL, so agents can run with any cwd. */
const TSX = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;

export const EXECUTION: ExecutionSpec = { max_attempts: 3, retry_failed: false, stdout_metrics: false };

export async function createSweep(c: Redis, sweepId: string, state = 'running'): Promise<void> {
  await c.hset(keys.sweep(sweepId), { id: sweepId, state, method: 'grid' });
}

export interface RunSpec {
  sweepId: string;
  runId: string;
  attempt?: number;
  token?: string;
  config?: Config;
  command?: string[];
  program?: string;
  execution?: Partial<ExecutionSpec>;
}

const queues = new Map<string, Queue>();

export function queueFor(redisUrl: string, sweepId: string): Queue {
  const key = `${redisUrl}|${sweepId}`;
  let q = queues.get(key);
  if (!q) {
    q = new Queue(runQueueName(sweepId), { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix: QUEUE_PREFIX });
    queues.set(key, q);
  }
  return q;
}

export async function closeQueues(): Promise<void> {
  for (const q of queues.values()) await q.close();
  queues.clear();
}

/** What the controller does: the run hash (pending, token, attempt), then the job. */
export async function enqueueRun(c: Redis, redisUrl: string, spec: RunSpec): Promise<RunJob> {
  const job: RunJob = {
    sweepId: spec.sweepId,
    runId: spec.runId,
    attempt: spec.attempt ?? 1,
    token: spec.token ?? `T${spec.runId}-${spec.attempt ?? 1}`,
    config: spec.config ?? {},
    command: spec.command,
    program: spec.program,
    execution: { ...EXECUTION, ...spec.execution },
  };
  await c.hset(keys.run(job.sweepId, job.runId), { id: job.runId, sweepId: job.sweepId, state: 'pending', token: job.token, attempt: String(job.attempt), config: JSON.stringify(job.config) });
  await queueFor(redisUrl, spec.sweepId).add('run', job, { jobId: runJobId(job.runId, job.attempt), removeOnComplete: true });
  return job;
}

export async function readEvents(c: Redis, sweepId: string, runId?: string): Promise<RunEvent[]> {
  const entries = await c.xrange(keys.sweepEvents(sweepId), '-', '+');
  return entries.map(([, f]) => decodeRunEvent(f)!).filter((e) => e && (!runId || e.runId === runId));
}

export async function finishedEvent(c: Redis, sweepId: string, runId: string, attempt = 1): Promise<FinishedEvent | undefined> {
  return (await readEvents(c, sweepId, runId)).find((e): e is FinishedEvent => e.type === 'finished' && e.attempt === attempt);
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** True while the process exists and is not a zombie (a dead child its new parent has not reaped yet). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

export interface AgentProcess {
  proc: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `[wrapper...] node --import tsx src/cli/main.ts agent SWEEP --redis URL ...args` from the repo root. */
export function spawnAgent(sweepId: string, redisUrl: string, args: string[] = [], env: NodeJS.ProcessEnv = {}, cwd = REPO, wrapper: string[] = []): AgentProcess {
  const argv = [process.execPath, '--import', TSX, join(REPO, 'src/cli/main.ts'), 'agent', sweepId, '--redis', redisUrl, ...args];
  // `wrapper` runs the agent through another program, e.g. ['faketime', '-f', '-20s'].
  const [bin, ...rest] = [...wrapper, ...argv];
  const proc = spawn(bin!, rest, {
    cwd,
    env: { ...process.env, PYTHONPATH: PYTHON_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  proc.stdout!.resume();
  if (process.env.HS_TEST_DEBUG) proc.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, stderr: () => err, exited };
}

export async function stopAgent(a: AgentProcess): Promise<void> {
  if (a.proc.exitCode !== null || a.proc.signalCode !== null) return;
  a.proc.kill('SIGKILL');
  await a.exited;
}

export interface Scratch {
  dir: string;
  /** Writes a file (mode 755 when `exec`) and returns its path. */
  file(name: string, text: string, exec?: boolean): string;
  remove(): void;
}

export function scratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'hs-agent-test-'));
  return {
    dir,
    file(name, text, exec = false) {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      if (exec) chmodSync(p, 0o755);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Live (non-zombie) processes whose command line mentions `text` (e.g. a test's scratch dir). */
export function processesMentioning(text: string): Array<{ pid: number; cmdline: string }> {
  const out: Array<{ pid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (cmdline.includes(text) && pidAlive(pid)) out.push({ pid, cmdline });
  }
  return out;
}
