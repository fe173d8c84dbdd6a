/**
 * `hypersweep server` as a function: one process running the controller and the HTTP API
 * (and the dashboard) on one Redis. Binds 127.0.0.1 by default and refuses a non-loopback
 * address without a token.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectRedis, duplicateClient } from '../store/connect-redis.js';
import { migrateKeyLayout } from '../store/key-migration.js';
import { compactHashAdvice } from '../store/redis-tuning.js';
import { redactRedisUrl } from '../store/redis-url.js';
import { Controller, type ControllerOptions } from '../controller/controller.js';
import { HypersweepError } from '../errors.js';
import { isLoopbackHost, unauthenticatedRedisWarning } from '../store/redis-trust.js';
import { createApp } from './create-app.js';
import { ServerMetrics } from './server-metrics.js';

export interface StartServerOptions {
  /** 0 picks a free port. @defaultValue 7070 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** @defaultValue process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' */
  redisUrl?: string;
  /** Bearer token for /api/*; required for a non-loopback host. */
  token?: string;
  /** Run the controller in this process. @defaultValue true */
  controller?: boolean;
  /** Controller tuning (poll, lease check, lock TTL...), for tests and benchmarks. */
  controllerOptions?: Omit<ControllerOptions, 'redis' | 'metrics'>;
  /** @defaultValue console.error */
  log?: (message: string) => void;
  /** More host names the API answers to besides its bind address and IP literals (cross-site-guard.ts). @defaultValue [] */
  allowHosts?: string[];
}

export interface RunningServer {
  url: string;
  controller: Controller | undefined;
  close(): Promise<void>;
}

export { isLoopbackHost } from '../store/redis-trust.js';

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 7070;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const log = options.log ?? ((m: string) => console.error(m));
  if (!options.token && !isLoopbackHost(host)) {
    throw new HypersweepError('BAD_REQUEST', `refusing to listen on ${host} without a token: creating a sweep runs its command on every agent; set HYPERSWEEP_TOKEN or pass --token`);
  }
  const redisWarning = unauthenticatedRedisWarning(redisUrl);
  if (redisWarning) log(`warning: ${redisWarning}`);
  const redis = connectRedis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  let lastError: Error | undefined;
  redis.on('error', (err: Error) => {
    lastError = err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const why = (lastError as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED' ? 'connection refused' : (lastError ?? (err as Error)).message;
    throw new HypersweepError('REDIS_UNAVAILABLE', `cannot reach Redis at ${redactRedisUrl(redisUrl)} (${why}); start redis-server or pass --redis / REDIS_URL`);
  }
  const advice = await compactHashAdvice(redis);
  if (advice) log(`note: ${advice}`);
  const migrated = await migrateKeyLayout(redis);
  if (migrated.moved > 0) log(`moved ${migrated.moved} Redis keys to the layout of one slot per sweep${migrated.skipped > 0 ? ` (${migrated.skipped} keys of runs no sweep lists left as they were)` : ''}`);
  // The API gets its own connection that gives up quickly while Redis is away (a 503, not a hung
  // request); the controller's waits for Redis to come back.
  const apiRedis = duplicateClient(redis, { maxRetriesPerRequest: 1 });
  apiRedis.on('error', () => {});
  const metrics = new ServerMetrics();
  const controller = options.controller === false ? undefined : new Controller({ ...options.controllerOptions, redis, metrics, log });
  const app = createApp({ redis: apiRedis, metrics, log, redisUrl, bindHost: host, allowHosts: options.allowHosts ?? [], ...(options.token ? { token: options.token } : {}) });
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
      s.once('error', reject);
    });
  } catch (err) {
    redis.disconnect();
    apiRedis.disconnect();
    throw new HypersweepError('LISTEN_FAILED', `cannot listen on ${host}:${port}: ${(err as Error).message}`, { cause: err });
  }
  await controller?.start();
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed = false;
  return {
    url: `http://${shownHost}:${address.port}`,
    controller,
    async close() {
      if (closed) return;
      closed = true;
      await controller?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await redis.quit().catch(() => redis.disconnect());
      await apiRedis.quit().catch(() => apiRedis.disconnect());
    },
  };
}
