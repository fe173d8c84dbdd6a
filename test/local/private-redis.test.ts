/** hypersweep's own redis-server keeps a run's hash compact (listpack) with a real config in it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { startPrivateRedis } from '../../src/local/private-redis.js';
import { keys } from '../../src/store/keys.js';
import { createRun } from '../../src/store/run-store.js';
import { createSweep } from '../../src/store/sweep-store.js';

const dir = mkdtempSync(join(tmpdir(), 'hs-private-redis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a run whose config JSON is past 64 bytes is still a listpack hash (1 KB values allowed)', async () => {
  const server = await startPrivateRedis({ dir: join(dir, 'redis') });
  const c = new Redis(server.url);
  try {
    expect(await c.config('GET', 'hash-max-listpack-value')).toEqual(['hash-max-listpack-value', '1024']);
    const source = 'method: random\nmetric: {name: loss}\nparameters:\n  learning_rate: {min: 0.00001, max: 0.1}\n  batch_size: {values: [16, 32]}\n  optimizer: {values: [adam, sgd]}\n';
    const sweep = await createSweep(c, { config: parseSweepConfig(source), source });
    const config = { learning_rate: 0.0012345678901234, batch_size: 32, optimizer: 'adamw', dropout: 0.25, weight_decay: 0.000123456789 };
    expect(JSON.stringify(config).length).toBeGreaterThan(64);
    const { runId } = await createRun(c, { sweepId: sweep.id, config, reason: 'test' });
    expect(await c.object('ENCODING', keys.run(sweep.id, runId))).toBe('listpack');
  } finally {
    c.disconnect();
    await server.stop();
  }
});
