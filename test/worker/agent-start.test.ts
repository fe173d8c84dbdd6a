/** Agent start-up failures are quick and say what is wrong. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { defaultInterpreter } from '../../src/cli/agent.js';
import { Agent, redactUrl } from '../../worker/agent.js';
import { freePort } from '../helpers/redis-server.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

test('no Redis at the URL: start() fails within the connect timeout, naming the URL without its password', async () => {
  const port = await freePort();
  const agent = new Agent({ sweepId: 's1', redisUrl: `redis://user:secret@127.0.0.1:${port}`, slots: [{ name: 'cpu0', env: {} }], log: silent, interpreter: 'python3', connectTimeoutMs: 300, reapOrphans: false });
  const t = Date.now();
  await expect(agent.start()).rejects.toThrow(`cannot reach Redis at redis://***@127.0.0.1:${port} within 0.3 s`);
  expect(Date.now() - t).toBeLessThan(2000);
  agent.abort();
});

test('redactUrl', () => {
  expect(redactUrl('rediss://default:pw@redis.example.com:6380/0')).toBe('rediss://***@redis.example.com:6380/0');
  expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
});

test('${interpreter} defaults to python3, else python, found on PATH', () => {
  const only = mkdtempSync(join(tmpdir(), 'hs-interp-'));
  const both = mkdtempSync(join(tmpdir(), 'hs-interp-'));
  for (const [dir, name] of [[only, 'python'], [both, 'python'], [both, 'python3']] as const) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
  expect(defaultInterpreter(only)).toBe('python');
  expect(defaultInterpreter(`${only}:${both}`)).toBe('python3');
  expect(defaultInterpreter('/nonexistent-dir')).toBe('python3');
  rmSync(only, { recursive: true, force: true });
  rmSync(both, { recursive: true, force: true });
});
