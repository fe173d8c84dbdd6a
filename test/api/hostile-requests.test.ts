/**
 * Issue 13: requests that gave a 500 or blocked the server. Query numbers out of range are 400
 * now; /metrics reads counters only; and while the worst sweep files are being refused, the
 * server keeps answering /healthz in under 100 ms (it was blocked for 10–30 s before).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { createApp } from '../../src/api/create-app.js';
import { MAX_NESTING_DEPTH, MAX_SWEEP_FILE_BYTES } from '../../src/config/sweep-file-limits.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { rawRequest } from '../helpers/raw-http.js';
import { aliasBombSweep, aliasChainValuesSweep, hugeGridSweep } from '../helpers/hostile-inputs.js';

let redis: TestRedis;
let c: Redis;
let server: Server;
let base: string;
let sweepId: string;
let runId: string;
const yaml = { 'content-type': 'text/yaml' };

beforeAll(async () => {
  redis = await startRedis();
  c = redis.client();
  const app = createApp({ redis: c, log: () => {} });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const created = await rawRequest(base, 'POST', '/api/sweeps', yaml, `method: grid\nparameters:\n  x: {values: [1, 2]}\n  pad: {value: "${'p'.repeat(50_000)}"}\n`);
  sweepId = (created.body as { id: string }).id;
  runId = `r${'0'.repeat(16)}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await redis.stop();
});

describe('query numbers', () => {
  it.each([
    ['historyFrom=1e20', `/api/sweeps/SWEEP/runs/RUN?historyFrom=1e20`],
    ['historyFrom=10^20 in digits', `/api/sweeps/SWEEP/runs/RUN?historyFrom=100000000000000000000`],
    ['historyLimit=-1', `/api/sweeps/SWEEP/runs/RUN?historyLimit=-1`],
    ['historyFrom=0x10', `/api/sweeps/SWEEP/runs/RUN?historyFrom=0x10`],
    ['cursor=s1e23', `/api/sweeps/SWEEP/runs?cursor=s1e23`],
    ['cursor=s10^23 in digits', `/api/sweeps/SWEEP/runs?cursor=s100000000000000000000000`],
    ['cursor=c9007199254740993', `/api/sweeps/SWEEP/runs?cursor=c9007199254740993`],
    ['limit=1e2', `/api/sweeps/SWEEP/runs?limit=1e2`],
    ['limit twice', `/api/sweeps/SWEEP/runs?limit=1&limit=2`],
  ])('%s is a 400 naming it', async (_name, path) => {
    const res = await rawRequest(base, 'GET', path.replace('SWEEP', sweepId).replace('RUN', runId));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'BAD_REQUEST', message: expect.stringMatching(/historyFrom|historyLimit|cursor|limit/) } });
  });

  it('a cursor at the top of the range is read (200), not a Redis error', async () => {
    const res = await rawRequest(base, 'GET', `/api/sweeps/${sweepId}/runs?cursor=c9007199254740991`);
    expect(res.status).toBe(200);
  });
});

describe('/metrics', () => {
  it('reads each sweep\'s state and counts, never its config or source', async () => {
    const monitor = await c.duplicate().monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(args.join(' ').slice(0, 200)));
    const res = await rawRequest(base, 'GET', '/metrics');
    await new Promise((r) => setTimeout(r, 200));
    monitor.disconnect();
    expect(res.status).toBe(200);
    expect(res.text).toContain('hypersweep_sweeps{state="running"} 1');
    expect(res.text).toContain('hypersweep_runs{state="pending"} 0');
    const sweepReads = commands.filter((cmd) => cmd.includes(`{${sweepId}}:`));
    expect(sweepReads.length).toBeGreaterThan(0);
    expect(sweepReads.filter((cmd) => /^hgetall hs:\{s[0-9a-z]+\}:sweep$/i.test(cmd) || /configJson|sourceText/.test(cmd))).toEqual([]);
  });
});

describe('the worst sweep files, sent as requests', () => {
  const worst: Array<[string, string]> = [
    ['1 KB alias bomb', aliasBombSweep()],
    ['values: *list alias chain', aliasChainValuesSweep()],
    ['file over the size limit', `method: random\nparameters:\n  x: {value: "${'a'.repeat(MAX_SWEEP_FILE_BYTES)}"}\n`],
    ['nesting past the depth limit', `method: random\nparameters:\n  x: {value: ${'['.repeat(MAX_NESTING_DEPTH * 50)}${']'.repeat(MAX_NESTING_DEPTH * 50)}}\n`],
  ];

  it.each(worst)('%s: 400 naming the rule', async (_name, text) => {
    const res = await rawRequest(base, 'POST', '/api/sweeps', yaml, text);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'CONFIG_INVALID', issues: [expect.objectContaining({ message: expect.any(String) })] } });
  });

  it('a grid of 250 million-value parameters is created (201) at once, its size computed', async () => {
    const res = await rawRequest(base, 'POST', '/api/sweeps', yaml, hugeGridSweep(250));
    expect(res.status).toBe(201);
    expect((res.body as { total: number }).total).toBe(Number.MAX_SAFE_INTEGER);
    expect(res.ms).toBeLessThan(5000);
  });

  it('/healthz answers in under 100 ms (median, above its own latency on this machine) while they are refused, and never waits seconds', async () => {
    // The machine's own latency first: on a loaded 2-core box everything is slower, attack or not.
    const idle: number[] = [];
    for (let i = 0; i < 20; i++) idle.push((await rawRequest(base, 'GET', '/healthz')).ms);
    idle.sort((a, b) => a - b);
    const baseline = idle[10]!;
    let sending = true;
    let refused = 0;
    const senders = [0, 1].map(async (k) => {
      for (let i = k; sending; i++) {
        const [, text] = worst[i % worst.length]!;
        const res = await rawRequest(base, 'POST', '/api/sweeps', yaml, text);
        expect(res.status).toBe(400);
        refused++;
      }
    });
    const latencies: number[] = [];
    const until = performance.now() + 3000;
    while (performance.now() < until) {
      const res = await rawRequest(base, 'GET', '/healthz');
      expect(res.status).toBe(200);
      latencies.push(res.ms);
      await new Promise((r) => setTimeout(r, 20));
    }
    sending = false;
    await Promise.all(senders);
    latencies.sort((a, b) => a - b);
    const median = latencies[Math.floor(latencies.length / 2)]!;
    // Before: the alias bomb held the event loop for over 30 s, the grid for 10 s.
    expect(refused).toBeGreaterThan(4);
    expect(median).toBeLessThan(100 + 2 * baseline);
    expect(latencies.at(-1)!).toBeLessThan(2000);
  });
});
