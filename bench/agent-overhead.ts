/**
 * Agent overhead: what `hypersweep agent` adds on top of BullMQ when it starts a run.
 * - available → start: from `queue.add` (the run hash already created) to the child's first
 *   instruction, one job at a time on an idle slot;
 * - exit → next start: from the moment the worker sees a child exit to the next child's first
 *   instruction, with jobs waiting, on the same slot.
 * The child is `date +%s%N` (exec'd directly, it prints its start time). The baseline is a bare
 * BullMQ Worker (same prefix, concurrency 1) spawning the same command. p50 and p95 over --n
 * samples each; a private redis-server.
 *
 *   npx tsx bench/agent-overhead.ts [--n 50] [--fsync everysec|always]
 */
import { spawn } from 'node:child_process';
import { quantile } from 'simple-statistics';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_PREFIX, runJobId, runQueueName, type RunJob } from '../src/queue/run-job.js';
import { keys } from '../src/store/keys.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateRedis } from '../src/local/private-redis.js';
import { Agent } from '../worker/agent.js';
import type { AttemptResult } from '../worker/run-attempt.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const n = Number(opt('n') ?? 50);
/** Redis's AOF fsync policy: everysec (its default) or always (what the tests use). */
const fsync = (opt('fsync') ?? 'everysec') as 'everysec' | 'always';
const now = () => performance.timeOrigin + performance.now();
const COMMAND = ['date', '+%s%N'];
const childStart = (output: string) => Number(BigInt(output.trim().split('\n')[0]!) / 1000n) / 1000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Samples {
  availableToStart: number[];
  exitToNextStart: number[];
}

/** Wait for `count` results through `results` (pushed by the worker under test). */
async function until<T>(results: T[], count: number): Promise<void> {
  while (results.length < count) await new Promise((r) => setTimeout(r, 1));
}

async function benchAgent(url: string): Promise<Samples> {
  const c = new Redis(url);
  const sweepId = 'sbench';
  await c.hset(keys.sweep(sweepId), { id: sweepId, state: 'running' });
  const queue = new Queue(runQueueName(sweepId), { connection: { url }, prefix: QUEUE_PREFIX });
  const results: Array<{ start: number; exitedAt: number }> = [];
  const agent = new Agent({
    sweepId,
    redisUrl: url,
    slots: [{ name: 'cpu0', env: {} }],
    log: silent,
    interpreter: 'python3',
    onAttempt: () => undefined,
  });
  // Read each child's start time from the finished event's output tail.
  let seen = '0';
  const collect = async () => {
    const entries = await c.xrange(keys.sweepEvents(sweepId), `(${seen}`, '+');
    for (const [id, fields] of entries) {
      seen = id;
      const i = fields.indexOf('data');
      const type = fields[fields.indexOf('type') + 1];
      if (type !== 'finished') continue;
      const data = JSON.parse(fields[i + 1]!) as { outputTail: string };
      results.push({ start: childStart(data.outputTail), exitedAt: 0 });
    }
  };
  const exits: number[] = [];
  (agent as unknown as { o: { onAttempt: (a: unknown, r: AttemptResult) => void } }).o.onAttempt = (_a, r) => exits.push(r.exitedAt!);
  await agent.start();
  let k = 0;
  const add = async () => {
    const runId = `r${k++}`;
    const job: RunJob = { sweepId, runId, attempt: 1, token: `T${runId}`, config: {}, command: COMMAND, execution: { max_attempts: 1, retry_failed: false, stdout_metrics: false } };
    await c.hset(keys.run(sweepId, runId), { state: 'pending', token: job.token, attempt: '1' });
    const t0 = now();
    await queue.add('run', job, { jobId: runJobId(runId, 1), removeOnComplete: true });
    return t0;
  };
  // Warm-up, then one at a time.
  await add();
  while (results.length < 1) await collect();
  const availableToStart: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = results.length;
    await new Promise((r) => setTimeout(r, 20));
    const t0 = await add();
    while (results.length <= before) {
      await collect();
      await new Promise((r) => setTimeout(r, 2));
    }
    availableToStart.push(results.at(-1)!.start - t0);
  }
  // Back to back on one slot.
  const base = results.length;
  const baseExits = exits.length;
  for (let i = 0; i < n + 1; i++) await add();
  while (results.length < base + n + 1) {
    await collect();
    await new Promise((r) => setTimeout(r, 5));
  }
  const exitToNextStart: number[] = [];
  for (let i = 1; i <= n; i++) exitToNextStart.push(results[base + i]!.start - exits[baseExits + i - 1]!);
  await agent.shutdown('bench');
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  c.disconnect();
  return { availableToStart, exitToNextStart };
}

async function benchBare(url: string): Promise<Samples> {
  const queueName = 'bare-bench';
  const queue = new Queue(queueName, { connection: { url }, prefix: QUEUE_PREFIX });
  const results: Array<{ start: number; exitedAt: number }> = [];
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const worker = new Worker(
    queueName,
    async () =>
      await new Promise<void>((resolve, reject) => {
        const child = spawn(COMMAND[0]!, COMMAND.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('exit', () => {
          const exitedAt = now();
          child.stdout.once('close', () => {
            results.push({ start: childStart(out), exitedAt });
            resolve();
          });
          if (child.stdout.closed) child.stdout.emit('close');
        });
      }),
    { connection, prefix: QUEUE_PREFIX, concurrency: 1, maxStalledCount: 0 },
  );
  let k = 0;
  const add = async () => {
    const t0 = now();
    await queue.add('run', { k: k++ }, { removeOnComplete: true });
    return t0;
  };
  await add();
  await until(results, 1);
  const availableToStart: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = results.length;
    await new Promise((r) => setTimeout(r, 20));
    const t0 = await add();
    await until(results, before + 1);
    availableToStart.push(results.at(-1)!.start - t0);
  }
  const base = results.length;
  for (let i = 0; i < n + 1; i++) await add();
  await until(results, base + n + 1);
  const exitToNextStart: number[] = [];
  for (let i = 1; i <= n; i++) exitToNextStart.push(results[base + i]!.start - results[base + i - 1]!.exitedAt);
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  connection.disconnect();
  return { availableToStart, exitToNextStart };
}

const redisDir = mkdtempSync(join(tmpdir(), 'hs-bench-redis-'));
const redis = await startPrivateRedis({ dir: redisDir, appendfsync: fsync });
try {
  const bare = await benchBare(redis.url);
  const agent = await benchAgent(redis.url);
  const q = (xs: number[], p: number) => Math.round(quantile(xs, p) * 10) / 10;
  const rows = [
    { measure: 'available → start', agent, bare, key: 'availableToStart' as const },
    { measure: 'exit → next start', agent, bare, key: 'exitToNextStart' as const },
  ].map((r) => ({ measure: r.measure, agentP50: q(r.agent[r.key], 0.5), agentP95: q(r.agent[r.key], 0.95), bareP50: q(r.bare[r.key], 0.5), bareP95: q(r.bare[r.key], 0.95) }));
  console.log(`agent overhead, ${n} samples each, child = ${COMMAND.join(' ')}, redis appendfsync ${fsync} (ms)`);
  console.log('measure             agent p50  agent p95  bare p50  bare p95');
  for (const r of rows) console.log(`${r.measure.padEnd(20)}${String(r.agentP50).padStart(9)}  ${String(r.agentP95).padStart(9)}  ${String(r.bareP50).padStart(8)}  ${String(r.bareP95).padStart(8)}`);
  console.log(JSON.stringify({ bench: 'agent-overhead', n, fsync, unit: 'ms', rows, targetP50Ms: 50, pass: rows.every((r) => r.agentP50 <= 50) }));
} finally {
  await redis.stop();
  rmSync(redisDir, { recursive: true, force: true });
}
