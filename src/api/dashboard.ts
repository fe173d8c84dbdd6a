/**
 * The dashboard: static files from web/ and the charting library from node_modules, served
 * by the controller at `/`. No CDN: the machines may be offline.
 */
import express, { type Router } from 'express';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

export function dashboardRouter(): Router {
  const router = express.Router();
  router.use(express.static(join(packageRoot, 'web'), { index: 'index.html' }));
  return router;
}
