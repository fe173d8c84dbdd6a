/**
 * A private redis-server for one test file: a free port, a temporary --dir, killed at the end.
 * Tests never touch a Redis they did not start. `restart()` kills it (SIGKILL) and starts it
 * again on the same port and dir; the append-only file (fsync always) keeps the data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startPrivateRedis } from '../../src/local/private-redis.js';

export { freePort } from '../../src/local/private-redis.js';

export interface TestRedis {
  port: number;
  url: string;
  dir: string;
  /** A new client; closed by stop(). */
  client(): Redis;
  /** SIGKILL the server (data on disk survives through the append-only file). */
  kill(): Promise<void>;
  /** Start it again on the same port and dir. */
  start(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-redis-'));
  const server = await startPrivateRedis({ dir, appendfsync: 'always' });
  const clients: Redis[] = [];
  return {
    port: server.port,
    url: server.url,
    dir,
    client() {
      const c = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: null });
      clients.push(c);
      return c;
    },
    kill: server.kill,
    start: server.start,
    async restart() {
      await server.kill();
      await server.start();
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A private redis-server for the calling test file: started before its tests, stopped after.
 * Read `server` and `client` inside tests (they are set once beforeAll has run).
 */
export function redisForFile(): { readonly server: TestRedis; readonly client: Redis } {
  let server: TestRedis | undefined;
  let client: Redis | undefined;
  beforeAll(async () => {
    server = await startRedis();
    client = server.client();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get server() {
      return server!;
    },
    get client() {
      return client!;
    },
  };
}
