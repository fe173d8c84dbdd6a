/**
 * The README's cluster advice, tested: a Redis whose default user is off and whose only user has
 * REDIS_ACL_RULES (keys and channels under hs:, no admin commands) runs a whole sweep — server,
 * controller, BullMQ queue and agent — without a permission error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { runLocalSweep } from '../../src/local/local-sweep.js';
import { startPrivateRedis } from '../../src/local/private-redis.js';
import { REDIS_ACL_RULES } from '../../src/store/redis-trust.js';

const dir = mkdtempSync(join(tmpdir(), 'hs-acl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a sweep runs end to end as an ACL user limited to REDIS_ACL_RULES', async () => {
  const redis = await startPrivateRedis({ dir: join(dir, 'redis') });
  try {
    const admin = new Redis(redis.url);
    await admin.call('ACL', 'SETUSER', 'hypersweep', 'on', '>acl-test-password', ...REDIS_ACL_RULES);
    await admin.call('ACL', 'SETUSER', 'default', 'off');
    admin.disconnect();
    const file = join(dir, 'acl.yaml');
    writeFileSync(file, 'method: grid\nmetric: {name: loss}\nearly_terminate: {type: hyperband, min_iter: 1}\nparameters:\n  x: {values: [1, 2, 3]}\ncommand: [python3, -c, "print(\'@hypersweep {\\"loss\\": 1}\')"]\n');
    const result = await runLocalSweep({ file, redisUrl: `redis://hypersweep:acl-test-password@127.0.0.1:${redis.port}`, port: 0, stateDir: join(dir, 'state'), tty: false, agents: 2, log: () => undefined, write: () => undefined });
    expect(result).toMatchObject({ state: 'finished', exitCode: 0 });
    expect(readFileSync(join(dir, 'state', 'agent.log'), 'utf8')).not.toMatch(/NOPERM|NOAUTH/i);
    const denied = new Redis({ port: redis.port, host: '127.0.0.1', username: 'hypersweep', password: 'acl-test-password', maxRetriesPerRequest: 0 });
    await expect(denied.call('CONFIG', 'GET', 'dir')).rejects.toThrow(/NOPERM/);
    await expect(denied.set('other:key', '1')).rejects.toThrow(/NOPERM/);
    denied.disconnect();
  } finally {
    await redis.stop();
  }
}, 90_000);
