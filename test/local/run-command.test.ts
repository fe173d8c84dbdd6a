/**
 * `hypersweep run` end to end on the quickstart, in a temporary folder, as a user would: a
 * private redis-server, the controller, the dashboard and a local agent training a real (small)
 * network. Checks the best config is printed and written, that Ctrl-C leaves no process, and
 * that --resume finishes the sweep without running a finished run again.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { parse } from 'yaml';
import { afterAll, beforeAll, expect, test } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-run-'));
  mkdirSync(join(dir, 'sweeps'));
  for (const f of ['quickstart.yaml', 'train_quickstart.py']) cpSync(join(repo, 'sweeps', f), join(dir, 'sweeps', f));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Processes whose working directory is inside the temp folder (training scripts, redis-server). */
function processesIn(folder: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`).startsWith(folder)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], options: { interruptWhen?: (stdout: string) => boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Finished> {
  const env = { ...process.env, ...options.env };
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'src/cli/main.ts'), ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let sent = false;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (!sent && options.interruptWhen?.(stdout)) {
      sent = true;
      child.kill('SIGINT');
    }
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolveRun) => child.on('close', (code) => resolveRun({ code, stdout, stderr })));
}

function doneCount(stdout: string): number {
  const counts = [...stdout.matchAll(/(\d+)\/\d+ runs/g)].map((m) => Number(m[1]));
  return counts.length ? Math.max(...counts) : 0;
}

test('Ctrl-C stops cleanly and --resume finishes the sweep without re-running finished runs', async () => {
  const first = await runCli(['run', 'sweeps/quickstart.yaml', '--agents', '2', '--port', '0'], { interruptWhen: (out) => doneCount(out) >= 4 });
  expect(first.stdout, first.stderr).toMatch(/created sweep (s\w+)/);
  expect(first.stdout).toContain('stopping: running runs are preempted');
  expect(first.code).toBe(130);
  expect(processesIn(dir)).toEqual([]);
  const sweepId = /created sweep (s\w+)/.exec(first.stdout)![1]!;

  const second = await runCli(['run', 'sweeps/quickstart.yaml', '--agents', '2', '--port', '0', '--resume']);
  expect(second.stderr).not.toMatch(/error/i);
  expect(second.code).toBe(0);
  expect(second.stdout).toContain(`resuming sweep ${sweepId}`);
  expect(second.stdout).toMatch(/24\/24 runs .* finished/);
  expect(second.stdout).toMatch(/best val_loss [\d.]+ \(run r[0-9a-f]{16}\)/);
  expect(processesIn(dir)).toEqual([]);

  // The best config was written, and no run was executed twice: each run has exactly one
  // attempt that ended finished/stopped/failed, except preempted ones, which were re-queued.
  const bestFile = /written to (\S+)/.exec(second.stdout)![1]!;
  const best = parse(readFileSync(bestFile, 'utf8')) as { sweep: string; config: Record<string, unknown> };
  expect(best.sweep).toBe(sweepId);
  expect(Object.keys(best.config).sort()).toEqual(['batch_size', 'epochs', 'hidden', 'lr', 'momentum', 'weight_decay']);

  // Inspect the private Redis's data after the fact: start it again and read the attempts.
  const { startPrivateRedis } = await import('../../src/local/private-redis.js');
  const redisDir = join(dir, '.hypersweep', 'redis');
  expect(existsSync(redisDir)).toBe(true);
  const server = await startPrivateRedis({ dir: redisDir });
  const redis = new Redis(server.url);
  try {
    const { keys } = await import('../../src/store/keys.js');
    const runIds = await redis.zrange(keys.sweepRuns(sweepId), 0, -1);
    expect(runIds.length).toBe(24);
    for (const runId of runIds) {
      const attempts = (await redis.lrange(keys.runAttempts(sweepId, runId), 0, -1)).map((a) => JSON.parse(a) as { outcome: string });
      const completed = attempts.filter((a) => a.outcome !== 'preempted');
      expect(completed.length, `run ${runId}: ${JSON.stringify(attempts)}`).toBe(1);
    }
  } finally {
    redis.disconnect();
    await server.stop();
  }
}, 240_000);

test('without redis-server on the PATH and without REDIS_URL, it says how to get Redis', async () => {
  const result = await runCli(['run', 'sweeps/quickstart.yaml'], { env: { PATH: '/nonexistent' } });
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('hypersweep needs Redis');
  expect(result.stderr).toContain('apt-get install -y redis-server');
  expect(result.stderr).toContain('REDIS_URL=');
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(processesIn(dir)).toEqual([]);
});
