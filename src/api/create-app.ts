/**
 * The HTTP API (express 5, JSON): sweeps, runs, curves, best, control, agents; /healthz and
 * /metrics outside auth; the dashboard at `/` after the API. Routes live in one file per
 * resource (sweep-routes, run-routes, curve-routes, server-routes). No listen here
 * (startServer does).
 */
import express, { type Express } from 'express';
import type { RedisClient } from '../store/redis-client.js';
import { bearerAuth } from './bearer-auth.js';
import { crossSiteGuard, type CrossSiteOptions } from './cross-site-guard.js';
import { curveRoutes } from './curve-routes.js';
import { dashboardRouter } from './dashboard.js';
import { enqueueRoutes } from './enqueue-routes.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { updateRoutes } from './update-routes.js';
import { exportRoutes } from './export-routes.js';
import { checkIdParams } from './id-params.js';
import { objectiveRoutes } from './objective-routes.js';
import { runRoutes } from './run-routes.js';
import { healthRoutes, serverRoutes } from './server-routes.js';
import { ServerMetrics } from './server-metrics.js';
import { sweepRoutes } from './sweep-routes.js';

export interface AppOptions extends CrossSiteOptions {
  redis: RedisClient;
  /** Bearer token required on /api/*; unset: no auth (loopback only, startServer enforces it). */
  token?: string;
  /** Counters shared with the controller of the same process. @defaultValue a fresh ServerMetrics */
  metrics?: ServerMetrics;
  /** The Redis URL agents should use, shown by GET /api/server (user-info hidden). */
  redisUrl?: string;
  /** Where unexpected errors are logged. @defaultValue console.error */
  log?: (message: string) => void;
  /** Most bytes of curve points kept between GET .../curves calls (see CurveCache); 0: none. @defaultValue 64 MiB */
  curveCacheBytes?: number;
}

export function createApp(options: AppOptions): Express {
  const { redis } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('json spaces', 0);
  app.use(crossSiteGuard(options));
  healthRoutes(app, redis, options.metrics ?? new ServerMetrics());

  const api = express.Router();
  api.use(bearerAuth(options.token));
  checkIdParams(api);
  serverRoutes(api, redis, options.redisUrl);
  enqueueRoutes(api, redis); // before sweepRoutes' POST /sweeps/:id/:action
  sweepRoutes(api, redis);
  exportRoutes(api, redis);
  updateRoutes(api, redis);
  runRoutes(api, redis);
  curveRoutes(api, redis, options.curveCacheBytes);
  objectiveRoutes(api, redis);
  api.use(notFoundHandler);

  app.use('/api', api);
  app.use('/', dashboardRouter());
  app.use(notFoundHandler); // every answer is JSON, a path outside /api too
  app.use(errorHandler(options.log));
  return app;
}
