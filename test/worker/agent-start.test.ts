/** Agent start-up failures are quick and say what is wrong. */
import { expect, test } from 'vitest';
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
