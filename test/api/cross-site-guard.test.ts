/**
 * Issue 13: without a token, any web page could POST a sweep (text/plain needs no preflight)
 * and a DNS-rebound page could read and pause/stop/cancel sweeps. Now: content type, Origin
 * and Host are checked before any route (src/api/cross-site-guard.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { createApp } from '../../src/api/create-app.js';
import { hostAllowed, hostName } from '../../src/api/cross-site-guard.js';
import { listSweeps } from '../../src/store/sweep-store.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { rawRequest } from '../helpers/raw-http.js';

let redis: TestRedis;
let c: Redis;
let server: Server;
let base: string;
let port: number;
const SWEEP = 'method: random\nparameters:\n  x: {min: 0.0, max: 1.0}\nrun_cap: 2\n';

beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  // No token: what `hypersweep server` on loopback without --token serves.
  const app = createApp({ redis: c, log: () => {}, bindHost: '127.0.0.1', allowHosts: ['hs.internal'] });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await redis.stop();
});

describe('content type of state-changing requests', () => {
  it('refuses POST /api/sweeps as text/plain (a cross-site form or fetch without preflight) with 415 and creates nothing', async () => {
    const res = await rawRequest(base, 'POST', '/api/sweeps', { 'content-type': 'text/plain' }, SWEEP);
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      expect((await rawRequest(base, 'POST', '/api/sweeps', type ? { 'content-type': type } : {}, SWEEP)).status).toBe(415);
    }
    expect(await listSweeps(c)).toEqual([]);
  });

  it('accepts YAML and JSON; a control action with a body or a type only with a JSON type', async () => {
    const created = await rawRequest(base, 'POST', '/api/sweeps', { 'content-type': 'text/yaml; charset=utf-8' }, SWEEP);
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect((await rawRequest(base, 'POST', `/api/sweeps/${id}/pause`, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await rawRequest(base, 'POST', `/api/sweeps/${id}/pause`, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await rawRequest(base, 'POST', `/api/sweeps/${id}/pause`, {}, 'x')).status).toBe(415); // a body without a type
    const paused = await rawRequest(base, 'POST', `/api/sweeps/${id}/pause`, { 'content-type': 'application/json' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ state: 'paused' });
    // Bodiless and without a type (curl -X POST): passes; a browser would add an Origin (next block).
    const resumed = await rawRequest(base, 'POST', `/api/sweeps/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ state: 'running' });
  });
});

describe('Origin', () => {
  it('refuses a request from another site (403), even a GET, and an opaque null origin', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${port + 1}`, 'null', `https://localhost.evil.example:${port}`]) {
      const post = await rawRequest(base, 'POST', '/api/sweeps', { 'content-type': 'application/json', origin }, JSON.stringify({ method: 'random', parameters: { x: { value: 1 } } }));
      expect(post.status, origin).toBe(403);
      expect(post.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect((await rawRequest(base, 'GET', '/api/sweeps', { origin })).status).toBe(403);
    }
  });

  it('accepts the dashboard itself (Origin equal to the server it asked for)', async () => {
    const res = await rawRequest(base, 'GET', '/api/sweeps', { origin: base });
    expect(res.status).toBe(200);
    const viaLocalhost = await rawRequest(base, 'GET', '/api/sweeps', { host: `localhost:${port}`, origin: `http://localhost:${port}` });
    expect(viaLocalhost.status).toBe(200);
  });
});

describe('Host (DNS rebinding)', () => {
  it('refuses a DNS name the server does not answer to, with Origin equal to it (a rebound page)', async () => {
    const host = `rebind.evil.example:${port}`;
    const list = await rawRequest(base, 'GET', '/api/sweeps', { host, origin: `http://${host}` });
    expect(list.status).toBe(403);
    expect(JSON.stringify(list.body)).not.toContain('sweeps":[');
    const stop = await rawRequest(base, 'POST', '/api/sweeps/s0/stop', { host, origin: `http://${host}`, 'content-type': 'application/json' });
    expect(stop.status).toBe(403);
    expect((await rawRequest(base, 'GET', '/metrics', { host })).status).toBe(403);
    expect((await rawRequest(base, 'GET', '/', { host })).status).toBe(403);
  });

  it('answers to IP literals, localhost and --allow-host names; /healthz to any host', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `10.1.2.3:${port}`, `HS.internal:${port}`, 'hs.internal']) {
      expect((await rawRequest(base, 'GET', '/api/sweeps', { host })).status, host).toBe(200);
    }
    expect((await rawRequest(base, 'GET', '/healthz', { host: 'pod-name.svc' })).status).toBe(200);
  });

  it('parses Host headers', () => {
    expect(hostName('[::1]:7070')).toBe('::1');
    expect(hostName('Example.ORG:80')).toBe('example.org');
    expect(hostAllowed(undefined)).toBe(false);
    expect(hostAllowed('')).toBe(false);
    expect(hostAllowed('a b')).toBe(false);
    expect(hostAllowed('box.lan:7070', { bindHost: 'box.lan' })).toBe(true);
    expect(hostAllowed('other.lan:7070', { bindHost: 'box.lan' })).toBe(false);
  });
});
