/** `hypersweep server` says once, at start, when Redis would store every run's hash uncompact; never when it cannot tell. */
import { expect, test } from 'vitest';
import { startServer } from '../../src/api/start-server.js';
import { redisForFile } from '../helpers/redis-server.js';

const redis = redisForFile();

async function startLog(redisUrl = redis.server.url): Promise<string[]> {
  const lines: string[] = [];
  const server = await startServer({ port: 0, redisUrl, controller: false, log: (m) => lines.push(m) });
  await server.close();
  return lines;
}

test("Redis's default 64-byte compact hash values get a note naming the setting; 1 KB gets none", async () => {
  await redis.client.config('SET', 'hash-max-listpack-value', '64');
  const lines = await startLog();
  expect(lines.filter((l) => l.includes('hash-max-listpack-value 1024'))).toHaveLength(1);
  expect(lines.find((l) => l.includes('hash-max-listpack-value'))).toMatch(/^note: Redis keeps a hash compact only while its values are at most 64 bytes/);
  await redis.client.config('SET', 'hash-max-listpack-value', '1024');
  expect((await startLog()).filter((l) => l.includes('hash-max'))).toEqual([]);
});

test('a user that may not read CONFIG gets no note and the server starts', async () => {
  await redis.client.config('SET', 'hash-max-listpack-value', '64');
  await redis.client.call('ACL', 'SETUSER', 'limited', 'on', '>limited-password-1', '~hs:*', '&hs:*', '+@all', '-@admin', '-@dangerous');
  const lines = await startLog(redis.server.url.replace('redis://', 'redis://limited:limited-password-1@'));
  expect(lines.filter((l) => l.includes('hash-max'))).toEqual([]);
  await redis.client.config('SET', 'hash-max-listpack-value', '1024');
});
