/**
 * Issue 13: the private redis-server of `hypersweep run` had no password (any local user could
 * add a job an agent runs) and its API had no token (any web page could drive it). Now Redis
 * requires a random password written 0600 under .hypersweep/, the API a random token that the
 * dashboard URL carries in its fragment, and server/agent warn about a Redis without a password.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/start-server.js';
import { runLocalSweep } from '../../src/local/local-sweep.js';
import { startPrivateRedis } from '../../src/local/private-redis.js';
import { unauthenticatedRedisWarning } from '../../src/store/redis-trust.js';
import { freePort } from '../helpers/redis-server.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hs-locked-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function pingWithout(port: number): Promise<string> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return await probe.ping();
  } catch (err) {
    return (err as Error).message;
  } finally {
    probe.disconnect();
  }
}

describe('the private redis-server', () => {
  it('requires the password given, written 0600 in a config file and never on the command line', async () => {
    const dir = tempDir();
    const password = 'a'.repeat(8) + Math.random().toString(36).slice(2).replace(/[^a-z0-9]/g, '') + 'zzzzzzzz';
    const redis = await startPrivateRedis({ dir, password });
    try {
      const conf = join(dir, 'redis.conf');
      expect(statSync(conf).mode & 0o777).toBe(0o600);
      expect(readFileSync(conf, 'utf8')).toContain(`requirepass ${password}`);
      expect(await pingWithout(redis.port)).toMatch(/NOAUTH|Authentication required/i);
      const pid = Number(readFileSync(join(dir, 'redis.pid'), 'utf8'));
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(password);
      const client = new Redis(redis.url, { maxRetriesPerRequest: 0 });
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
    } finally {
      await redis.stop();
    }
  });
});

describe('hypersweep run', () => {
  it('locks its Redis with a random password and its API with a random token handed over in the URL fragment', async () => {
    const dir = tempDir();
    const file = join(dir, 'sleepy.yaml');
    writeFileSync(file, 'method: grid\nparameters:\n  x: {values: [1]}\ncommand: [python3, -c, "import time; time.sleep(4)"]\n');
    let output = '';
    let dashboard: ((url: string) => void) | undefined;
    const dashboardSeen = new Promise<string>((resolve) => (dashboard = resolve));
    const run = runLocalSweep({
      file,
      agents: 1,
      port: 0,
      stateDir: join(dir, '.hypersweep'),
      tty: false,
      log: () => undefined,
      write: (text) => {
        output += text;
        const m = /dashboard: (\S+)/.exec(output);
        if (m) dashboard?.(m[1]!);
      },
    });
    const url = await dashboardSeen;
    const m = /^(http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_-]{24,})&\/sweeps\/(s[0-9a-z]+)$/.exec(url);
    expect(m, url).not.toBeNull();
    const [, base, token, sweepId] = m!;
    expect((await fetch(`${base}/api/sweeps/${sweepId}`)).status).toBe(401);
    const ok = await fetch(`${base}/api/sweeps/${sweepId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);

    const conf = join(dir, '.hypersweep', 'redis', 'redis.conf');
    expect(statSync(conf).mode & 0o777).toBe(0o600);
    const password = /requirepass (\S+)/.exec(readFileSync(conf, 'utf8'))![1]!;
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    const redisPid = Number(readFileSync(join(dir, '.hypersweep', 'redis', 'redis.pid'), 'utf8'));
    const port = Number(/:(\d+)/.exec(readFileSync(`/proc/${redisPid}/cmdline`, 'utf8'))![1]); // redis-server shows "redis-server 127.0.0.1:PORT"
    expect(await pingWithout(port)).toMatch(/NOAUTH|Authentication required/i);

    const result = await run;
    expect(result.exitCode).toBe(0);
    expect(result.state).toBe('finished');
  }, 60_000);
});

describe('warnings about a Redis without a password', () => {
  it('names non-loopback URLs without a password only', () => {
    expect(unauthenticatedRedisWarning('redis://10.0.0.5:6379')).toMatch(/without a password.*README, "Security"/);
    expect(unauthenticatedRedisWarning('rediss://redis.example.org:6380/0')).toMatch(/redis\.example\.org:6380/);
    expect(unauthenticatedRedisWarning('redis://:secret@10.0.0.5:6379')).toBeUndefined();
    expect(unauthenticatedRedisWarning('redis://agent:secret@10.0.0.5:6379')).toBeUndefined();
    expect(unauthenticatedRedisWarning('redis://127.0.0.1:6379')).toBeUndefined();
    expect(unauthenticatedRedisWarning('redis://localhost:6379')).toBeUndefined();
    expect(unauthenticatedRedisWarning('redis://[::1]:6379')).toBeUndefined();
  });

  it('hypersweep server logs it when it connects to such a Redis', async () => {
    const address = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!address) return; // no non-loopback interface on this machine
    const lines: string[] = [];
    const port = await freePort();
    await expect(startServer({ port: 0, redisUrl: `redis://${address}:${port}`, controller: false, log: (m) => lines.push(m) })).rejects.toThrow(/cannot reach Redis/);
    expect(lines.join('\n')).toMatch(/warning: Redis at .* is used without a password/);
  });
});
