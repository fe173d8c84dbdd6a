/**
 * Issue 13 in a real browser (Debian's chromium through playwright-core): the dashboard takes the
 * API token `hypersweep run` puts in the URL fragment, uses it and drops it from the address
 * bar; and a page on another site cannot create a sweep on a server without a token, however it
 * posts (text/plain fetch without preflight, a form).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { dashboardUrl } from '../../src/local/local-sweep.js';
import { listSweeps } from '../../src/store/sweep-store.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { rawRequest } from '../helpers/raw-http.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'fragment-token-0123456789abcdef';
let redisServer: TestRedis;
let redis: Redis;
let browser: Browser;
let withToken: RunningServer;
let open: RunningServer;
let evil: Server;
let evilUrl = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  redisServer = await startRedis();
  redis = redisServer.client();
  withToken = await startServer({ port: 0, redisUrl: redisServer.url, controller: false, token: TOKEN, log: () => {} });
  open = await startServer({ port: 0, redisUrl: redisServer.url, controller: false, log: () => {} });
  // Another site: its page tries to drive the tokenless server the way a browser lets it.
  evil = createServer((_req, res) => {
    const target = `${open.url}/api/sweeps`;
    const body = 'method: random\\nparameters:\\n  x: {value: 1}\\ncommand: [touch, /tmp/pwned]\\n';
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><body>
<form id="f" method="POST" action="${target}" enctype="text/plain" target="sink"><input name="method: random&#10;parameters: {x: {value: 1}}&#10;#" value="x"></form>
<iframe name="sink"></iframe>
<script>
fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body: '${body}' })
  .catch(() => {}).finally(() => { document.getElementById('f').submit(); setTimeout(() => { document.title = 'done'; }, 500); });
</script></body>`);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.2', () => r()));
  evilUrl = `http://127.0.0.2:${(evil.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => evil?.close(r));
  await withToken?.close();
  await open?.close();
  await redisServer?.stop();
});

it('the dashboard takes the token from the fragment, uses it, and removes it from the address bar', async () => {
  const created = await rawRequest(withToken.url, 'POST', '/api/sweeps', { 'content-type': 'text/yaml', authorization: `Bearer ${TOKEN}` }, 'name: fragment\nmethod: random\nparameters:\n  x: {min: 0.0, max: 1.0}\n');
  const sweepId = (created.body as { id: string }).id;
  const context = await browser.newContext(); // fresh localStorage: no token saved before
  const page = await context.newPage();
  const unauthorized: string[] = [];
  page.on('response', (r) => {
    if (r.status() === 401) unauthorized.push(r.url());
  });
  await page.goto(dashboardUrl(withToken.url, TOKEN, `/sweeps/${sweepId}`));
  await page.waitForSelector('body[data-ready="sweep"]');
  expect(await page.locator('[data-testid="token-form"]').count()).toBe(0);
  expect(unauthorized).toEqual([]);
  expect(page.url()).toBe(`${withToken.url}/#/sweeps/${sweepId}`);
  expect(await page.evaluate(() => localStorage.getItem('hypersweep.token'))).toBe(TOKEN);
  await page.locator('[data-action="pause"]').click(); // a POST with the token and a JSON type
  await expect.poll(() => redis.hget(`hs:{${sweepId}}:sweep`, 'state')).toBe('paused');
  await context.close();
});

it('a page on another site cannot create a sweep on a server without a token', async () => {
  const before = (await listSweeps(redis)).length;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(evilUrl);
  await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 20_000 });
  await new Promise((r) => setTimeout(r, 300));
  expect((await listSweeps(redis)).length).toBe(before);
  await context.close();
});
