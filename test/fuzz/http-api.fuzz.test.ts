/**
 * Fuzzing the HTTP API (issue 13): random methods, paths, ids, query strings, headers and
 * bodies against a real server on a real Redis. Every answer is a 2xx/4xx with a JSON body
 * (never a 500, never a hang), and the server stays responsive: /healthz answers after.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/create-app.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { rawRequest } from '../helpers/raw-http.js';
import { aliasBombSweep, hugeGridSweep } from '../helpers/hostile-inputs.js';
import { fuzzParams, fuzzTimeout } from './fuzz-profile.js';

let redis: TestRedis;
let c: Redis;
let server: Server;
let base: string;
let port: number;
let sweepId = 's0';
const errors: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  const app = createApp({ redis: c, log: (m) => errors.push(m) });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  const created = await rawRequest(base, 'POST', '/api/sweeps', { 'content-type': 'text/yaml' }, 'method: grid\nmetric: {name: loss}\nparameters:\n  x: {values: [1, 2, 3]}\n');
  sweepId = (created.body as { id: string }).id;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await redis.stop();
});

const segment = fc.oneof(
  fc.constantFrom('api', 'sweeps', 'runs', 'curves', 'best', 'pause', 'resume', 'stop', 'cancel', 'agents', 'server', 'healthz', 'metrics', '..', '%2e%2e', '%00', 'x:runs', '__proto__', 'constructor'),
  fc.constant('SWEEP'),
  fc.stringMatching(/^r[0-9a-f]{16}$/),
  fc.stringMatching(/^[A-Za-z0-9._~-]{0,30}$/),
  fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s)),
);
const queryValue = fc.oneof(
  fc.constantFrom('1e20', '100000000000000000000', '-1', '0x10', 's1e23', 'c9007199254740993', 'NaN', 'Infinity', '', '0', '1000', 'running,failed', 'zombie', '-created', 'duration'),
  fc.string({ maxLength: 30 }),
);
const query = fc
  .array(fc.tuple(fc.constantFrom('limit', 'cursor', 'state', 'sort', 'historyFrom', 'historyLimit', 'metric', 'x'), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : ''));
const path = fc
  .tuple(fc.boolean(), fc.array(segment, { minLength: 1, maxLength: 6 }), query)
  .map(([underApi, parts, q]) => `/${[...(underApi ? ['api'] : []), ...parts].join('/')}${q}`);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,60}$/);
const headers = fc.record(
  {
    'content-type': fc.oneof(fc.constantFrom('application/json', 'text/yaml', 'application/yaml; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', ''), headerValue),
    origin: fc.oneof(fc.constantFrom('http://evil.example', 'null', 'HOST'), headerValue),
    host: fc.oneof(fc.constantFrom('HOST', 'localhost:PORT', 'evil.example', '[::1]:PORT'), headerValue),
    authorization: headerValue,
    'x-anything': headerValue,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 500 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(aliasBombSweep(), hugeGridSweep(20), 'method: random\nparameters:\n  __proto__: {value: 1}\n', 'method: random\nparameters:\n  x: {values: [.nan]}\n'),
);

describe('HTTP API under fuzzing', () => {
  it(
    'answers every request with a 2xx/4xx JSON body and stays responsive',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), path, headers, body, async (method, p, h, b) => {
          const fill = (s: string): string => s.replaceAll('HOST', `127.0.0.1:${port}`).replaceAll('PORT', String(port)).replaceAll('SWEEP', sweepId);
          const hs: Record<string, string> = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, fill(v)]).filter(([k, v]) => k !== 'host' || v !== ''));
          if (hs.origin === '') delete hs.origin;
          const res = await rawRequest(base, method, fill(p), hs, method === 'GET' || method === 'HEAD' ? undefined : b);
          expect(res.status, `${method} ${p} → ${res.status} ${res.text.slice(0, 200)}`).toBeGreaterThanOrEqual(200);
          expect(res.status, `${method} ${p} → ${res.status} ${res.text.slice(0, 200)}`).toBeLessThan(500);
          const dashboardPage = res.status < 300 && !fill(p).startsWith('/api') && method !== 'POST';
          if (method !== 'HEAD' && !dashboardPage && res.status !== 204) {
            expect(res.type, `${method} ${p} → ${res.status}`).toMatch(/json|text\/plain/);
            if (res.type.includes('json')) expect(() => JSON.parse(res.text)).not.toThrow();
          }
        }),
        fuzzParams(300),
      );
      const health = await rawRequest(base, 'GET', '/healthz');
      expect(health.status).toBe(200);
      expect(health.ms).toBeLessThan(1000);
      expect(errors).toEqual([]); // no unexpected error reached the log (each would have been a 500)
    },
    fuzzTimeout(300, 100),
  );
});
