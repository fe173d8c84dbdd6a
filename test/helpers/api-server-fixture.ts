/**
 * One real redis-server and one real server (controller + API) for a test file, its hooks
 * registered by `useApiServer`; `runCli` runs the hypersweep CLI as a child process against it,
 * and `until` polls a condition with a deadline.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import type { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import type { SimulatedAgent } from '../controller/simulated-agent.js';
import { startRedis, type TestRedis } from './redis-server.js';

const exec = promisify(execFile);
const REPO = join(import.meta.dirname, '../..');

export interface ApiServerFixture {
  redis: TestRedis;
  /** A client of the test's Redis. */
  c: Redis;
  server: RunningServer;
  /** A temporary folder, removed at the end. */
  dir: string;
  /** Agents the tests start; closed at the end. */
  agents: SimulatedAgent[];
}

/** Starts Redis and the server before the file's tests, stops both after; fields are set in beforeAll. */
export function useApiServer(dirPrefix: string): ApiServerFixture {
  const f = { agents: [] as SimulatedAgent[] } as ApiServerFixture;
  beforeAll(async () => {
    f.redis = await startRedis();
    f.c = f.redis.client();
    f.server = await startServer({ port: 0, redisUrl: f.redis.url, controllerOptions: { pollMs: 30, leaseCheckMs: 200 }, log: () => {} });
    f.dir = mkdtempSync(join(tmpdir(), dirPrefix));
  });
  afterAll(async () => {
    await Promise.all(f.agents.map((a) => a.close()));
    await f.server?.close();
    await f.redis?.stop();
    if (f.dir) rmSync(f.dir, { recursive: true, force: true });
  });
  return f;
}

/** `hypersweep ARGS --url URL` from the sources, as a child process: its exit code and output. */
export async function runCli(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['--import', join(REPO, 'node_modules/tsx/dist/loader.mjs'), join(REPO, 'src/cli/main.ts'), ...args, '--url', url], { cwd: REPO, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Polls `fn` every 50 ms until it answers something truthy; throws naming `what` after `timeoutMs`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
