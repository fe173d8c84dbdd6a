/**
 * sweeps/pytorch-digits.yaml end to end under `hypersweep run`, as a user would run it after the
 * quick start: a W&B-style PyTorch script (no wandb package here: the agent gives it the stand-in),
 * bayes over five parameters, hyperband over epochs. Checks that real torch processes trained,
 * that hyperband stopped some of them while they ran, and that the best config beats the median run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startPrivateRedis } from '../../src/local/private-redis.js';
import { keys } from '../../src/store/keys.js';
import { getRun } from '../../src/store/run-store.js';

const repo = resolve(import.meta.dirname, '../..');
let dir: string;

/** The first python that imports torch and scikit-learn (Debian's packages live under /usr/bin/python3). */
function torchPython(): string | undefined {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(candidate, ['-c', 'import torch, sklearn'], { stdio: 'ignore', timeout: 120_000 });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

/** Live processes whose working directory is in `folder`, with whether libtorch is mapped into them. */
function processesIn(folder: string): Array<{ pid: number; cmdline: string; torch: boolean }> {
  const out: Array<{ pid: number; cmdline: string; torch: boolean }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readlinkSync(`/proc/${entry}/cwd`).startsWith(folder)) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const torch = readFileSync(`/proc/${entry}/maps`, 'utf8').includes('libtorch');
      out.push({ pid: Number(entry), cmdline, torch });
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hs-pytorch-'));
  mkdirSync(join(dir, 'sweeps'));
  for (const f of ['pytorch-digits.yaml', 'train_pytorch_digits.py']) cpSync(join(repo, 'sweeps', f), join(dir, 'sweeps', f));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('hypersweep run sweeps/pytorch-digits.yaml: torch runs stopped by hyperband, the best config beats the median run', async () => {
  const python = torchPython();
  expect(python, 'no python3 with torch and scikit-learn: apt-get install python3-torch python3-sklearn (.ci/run does)').toBeDefined();
  const env: NodeJS.ProcessEnv = { ...process.env, HYPERSWEEP_INTERPRETER: python };
  delete env.REDIS_URL;
  delete env.PYTHONPATH;
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(repo, 'src/cli/main.ts'), 'run', 'sweeps/pytorch-digits.yaml', '--agents', '2', '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // While it runs: training scripts with libtorch loaded.
  const torchPids = new Set<number>();
  const watch = setInterval(() => {
    for (const p of processesIn(dir)) if (p.torch && p.cmdline.includes('train_pytorch_digits.py')) torchPids.add(p.pid);
  }, 200);
  const code = await new Promise<number | null>((r) => child.on('close', r));
  clearInterval(watch);
  const wallSec = (Date.now() - started) / 1000;

  expect(code, `${stdout}\n${stderr}`).toBe(0);
  expect(stdout).toMatch(/20\/20 runs .* finished/);
  expect(torchPids.size).toBeGreaterThan(0);
  expect(processesIn(dir)).toEqual([]);
  const sweepId = /created sweep (s\w+)/.exec(stdout)![1]!;

  const server = await startPrivateRedis({ dir: join(dir, '.hypersweep', 'redis') });
  const redis = new Redis(server.url);
  try {
    const runIds = await redis.zrange(keys.sweepRuns(sweepId), 0, -1);
    expect(runIds).toHaveLength(20);
    const runs = await Promise.all(runIds.map((id) => getRun(redis, sweepId, id)));
    // Every run trained with torch through the stand-in: epochs of real losses reached hypersweep.
    for (const run of runs) {
      expect(run.history.length, run.output).toBeGreaterThan(0);
      expect(run.history[0]).toEqual(expect.objectContaining({ _step: 0, epoch: 0, train_loss: expect.any(Number), val_acc: expect.any(Number) }));
    }
    // Hyperband stopped some while they trained: SIGTERM before their 27 epochs. (A stop that
    // lands as a run logs its last epoch also counts as stopped; those trained in full.)
    const stopped = runs.filter((r) => r.state === 'stopped');
    for (const run of stopped) expect(run.stopReason).toMatch(/^bracket \d+: val_acc [\d.]+ worse than threshold/); // hyperband's reason
    const cut = stopped.filter((r) => r.history.length < 27);
    expect(cut.length).toBeGreaterThan(0);
    for (const run of cut) expect(run.attempts.at(-1), JSON.stringify(run.attempts)).toMatchObject({ outcome: 'stopped', signal: 'SIGTERM' });
    // The search did its job: the best run beats the median run.
    const scores = runs.map((r) => r.score).filter((s): s is number => s !== null).sort((a, b) => a - b);
    const median = scores[Math.floor(scores.length / 2)]!;
    const best = scores.at(-1)!;
    expect(best).toBeGreaterThan(median);
    expect(stdout).toContain(`best val_acc ${best}`);
    console.log(`pytorch-digits: ${runs.length} runs, ${stopped.length} stopped by hyperband (${cut.length} before their last epoch), best val_acc ${best.toFixed(4)}, median ${median.toFixed(4)}, ${wallSec.toFixed(0)} s wall`);
  } finally {
    redis.disconnect();
    await server.stop();
  }
}, 300_000);
