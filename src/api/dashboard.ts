/**
 * The dashboard: static files from web/ and the charting library from node_modules, served
 * by the controller at `/`. No CDN: the machines may be offline.
 */
import express, { type Router } from 'express';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

const require = createRequire(import.meta.url);

/** Where echarts' browser bundle is, wherever npm put the dependency. */
const echartsBundle = require.resolve('echarts/dist/echarts.min.js');

export function dashboardRouter(): Router {
  const router = express.Router();
  router.get('/vendor/echarts.min.js', (_req, res) => {
    res.sendFile(echartsBundle, { maxAge: '1d', headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  });
  router.use(
    express.static(join(packageRoot, 'web'), {
      index: 'index.html',
      // The dashboard is tiny and changes with the package: always revalidate (ETag), never stale.
      cacheControl: true,
      maxAge: 0,
      setHeaders(res) {
        res.setHeader('X-Content-Type-Options', 'nosniff');
      },
    }),
  );
  return router;
}
