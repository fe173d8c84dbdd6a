import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { applyRunEvents } from '../../src/store/apply-run-event.js';
import { createRun, writeRunScores } from '../../src/store/run-store.js';
import { freePort, startRedis, type TestRedis } from '../helpers/redis-server.js';

const run = promisify(execFile);
let redis: TestRedis;
let c: Redis;
let server: RunningServer;
let dir: string;
const TOKEN = 'cli-token';
beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  server = await startServer({ port: 0, redisUrl: redis.url, token: TOKEN, log: () => {} });
  dir = mkdtempSync(join(tmpdir(), 'hs-cli-'));
});
afterAll(async () => {
  await server.close();
  await redis.stop();
});

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: { ...process.env, HYPERSWEEP_URL: server.url, HYPERSWEEP_TOKEN: TOKEN, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('sweep FILE creates the sweep and prints the agent command; status, best and control work over HTTP', async () => {
  const file = join(dir, 'grid.yaml');
  writeFileSync(file, 'method: grid\nmetric: {name: acc, goal: maximize}\nparameters:\n  lr: {values: [0.1, 0.01]}\n  net:\n    parameters:\n      layers: {values: [2, 3]}\n');
  const created = await cli(['sweep', file]);
  expect(created.code).toBe(0);
  const id = /created sweep (\S+)/.exec(created.stdout)![1]!;
  expect(created.stdout).toContain(`hypersweep agent ${id} --redis ${redis.url}`);
  const json = await cli(['sweep', file, '--json']);
  expect(Object.keys(JSON.parse(json.stdout))).toEqual(['id']);

  const status = JSON.parse((await cli(['status', id, '--json'])).stdout) as { state: string; runs: Record<string, number> };
  expect(status.state).toBe('running');
  expect(status.runs.finished).toBe(0);

  expect((await cli(['best', id])).stderr).toMatch(/no run with a score for acc yet/);
  const a = await createRun(c, { sweepId: id, config: { lr: 0.01, net: { layers: 3 } }, reason: 't' });
  const b = await createRun(c, { sweepId: id, config: { lr: 0.1, net: { layers: 2 } }, reason: 't' });
  await writeRunScores(c, id, [{ runId: a.runId, score: 0.9 }, { runId: b.runId, score: 0.7 }]);
  expect(JSON.parse((await cli(['best', id])).stdout)).toEqual({ runId: a.runId, config: { lr: 0.01, net: { layers: 3 } }, value: 0.9 });
  expect((await cli(['best', id, '--format', 'args'])).stdout.trim()).toBe('--lr=0.01 --net.layers=3');
  expect((await cli(['best', id, '--format', 'yaml'])).stdout).toContain('layers: 3');

  await applyRunEvents(
    c,
    id,
    [
      { type: 'started', runId: b.runId, attempt: 1, token: b.token, agentId: 'x', slot: 's', host: 'h', pid: 1, at: 1 },
      { type: 'finished', runId: b.runId, attempt: 1, token: b.token, outcome: 'failed', exitCode: 3, signal: null, outputTail: 'epoch 1\nTraceback: boom\n', at: 2 },
    ],
    { maxAttempts: 3, retryFailed: false, allowRequeue: true },
  );
  expect((await cli(['logs', b.runId])).stdout).toBe('epoch 1\nTraceback: boom\n');
  expect((await cli(['logs', 'rmissing'])).stderr).toMatch(/run rmissing not found/);

  expect((await cli(['pause', id])).stdout).toContain(`sweep ${id}: paused`);
  const again = await cli(['pause', id]);
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/is paused; it cannot become paused/);
  expect((await cli(['ls'])).stdout).toMatch(new RegExp(`${id}\\s+\\S+\\s+grid\\s+paused`));
}, 60_000);

test('errors: a bad sweep file names file:line:col; a wrong token; an unreachable server names its URL', async () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'method: grid\nparameters:\n  lr:\n    values: []\n');
  const r = await cli(['sweep', bad]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${bad}:4:`);
  const unauth = await cli(['ls'], { HYPERSWEEP_TOKEN: 'wrong' });
  expect(unauth.code).toBe(1);
  expect(unauth.stderr).toMatch(/bearer token/);
  const port = await freePort();
  const down = await cli(['status', 'sx', '--url', `http://127.0.0.1:${port}`]);
  expect(down.code).toBe(1);
  expect(down.stderr.trim()).toBe(`cannot reach the hypersweep server at http://127.0.0.1:${port} (connection refused); start one with \`hypersweep server\` or point --url / HYPERSWEEP_URL at it`);
}, 60_000);

test('hypersweep server prints its URL, refuses 0.0.0.0 without a token, and exits cleanly on SIGTERM', async () => {
  const refused = await cli(['server', '--host', '0.0.0.0', '--port', '0', '--redis', redis.url], { HYPERSWEEP_TOKEN: '' });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without a token/);
  const deadPort = await freePort();
  const noRedis = await cli(['server', '--port', '0', '--redis', `redis://127.0.0.1:${deadPort}`]);
  expect(noRedis.code).toBe(1);
  expect(noRedis.stderr.trim()).toBe(`cannot reach Redis at redis://127.0.0.1:${deadPort} (connection refused); start redis-server or pass --redis / REDIS_URL`);
  const port = await freePort();
  const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'server', '--port', String(port), '--redis', redis.url], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HYPERSWEEP_TOKEN: '' } });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!out.includes('listening on')) {
    if (Date.now() > deadline) throw new Error('no URL printed');
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(out).toContain(`http://127.0.0.1:${port}`);
  expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  const code = await new Promise<number | null>((resolve) => {
    p.once('exit', (c) => resolve(c));
    p.kill('SIGTERM');
  });
  expect(code).toBe(0);
}, 60_000);
