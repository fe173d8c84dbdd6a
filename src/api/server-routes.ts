/** The server itself: /healthz and /metrics (outside auth), and under /api its version and Redis URL, and its agents. */
import type { Express, Router } from 'express';
import type { RedisClient } from '../store/redis-client.js';
import { packageVersion } from '../package-root.js';
import { listAgents } from '../store/agent-store.js';
import { pingStore } from '../store/exec-pipeline.js';
import { redactRedisUrl } from '../store/redis-url.js';
import type { ServerMetrics } from './server-metrics.js';

/** GET /healthz (Redis answers) and GET /metrics (Prometheus text). */
export function healthRoutes(app: Express, redis: RedisClient, metrics: ServerMetrics): void {
  app.get('/healthz', async (_req, res) => {
    await pingStore(redis);
    res.json({ ok: true });
  });
  app.get('/metrics', async (_req, res) => {
    res.type('text/plain; version=0.0.4').send(await metrics.render(redis));
  });
}

/** GET /api/server (version; the Redis URL agents should use, user-info hidden) and GET /api/agents. */
export function serverRoutes(api: Router, redis: RedisClient, redisUrl: string | undefined): void {
  api.get('/server', (_req, res) => {
    res.json({ version: packageVersion, redisUrl: redisUrl ? redactRedisUrl(redisUrl) : null });
  });
  api.get('/agents', async (_req, res) => {
    res.json({ agents: await listAgents(redis) });
  });
}
