/**
 * The sweep page's lifecycle parts in a real browser (chromium through playwright-core, as
 * test/web/dashboard.test.ts) against the real server on a private redis-server, with a bearer
 * token: the Download CSV button (fetched with the token, not a bare link), the prior sweeps of a
 * warm start, enqueued runs tagged, each run's version, and the versions card with the
 * differences of each version, updated live when the sweep is edited again. Hostile text in a
 * parameter value stays text.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { packageRoot } from '../../src/package-root.js';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { createRun } from '../../src/store/run-store.js';
import { createSweep } from '../../src/store/sweep-store.js';
import { updateSweepConfig } from '../../src/store/sweep-versions.js';
import { redisForFile } from '../helpers/redis-server.js';
import { XSS } from './seed-sweep.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'lifecycle-view-token';
const r = redisForFile();
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  server = await startServer({ port: 0, host: '127.0.0.1', redisUrl: r.server.url, controller: false, token: TOKEN, log: () => {} });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const V1 = 'method: random\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n';
const V2 = `method: random\nrun_cap: 10\nmetric: {name: loss}\nparameters:\n  x: {min: 0.0, max: 1.0}\n  y: {values: [a, ${JSON.stringify(XSS)}], default: a}\n`;
const config = (source: string) => parseSweepConfig(source, { file: 's.yaml' });

test('sweep page: Download CSV with the token, prior sweeps, enqueued and version marks, versions with their differences', async () => {
  const prior = await createSweep(r.client, { config: config(V1), source: V1 });
  const sweep = await createSweep(r.client, { config: config(V1), source: V1, prior: { sweeps: [prior.id], runs: 2 } });
  const searched = await createRun(r.client, { sweepId: sweep.id, config: { x: 0.25 }, reason: 'random' });
  const enqueued = await createRun(r.client, { sweepId: sweep.id, config: { x: 0.5 }, reason: 'enqueued' });
  await updateSweepConfig(r.client, sweep.id, config(V2), V2);
  const later = await createRun(r.client, { sweepId: sweep.id, config: { x: 0.75, y: XSS }, reason: 'random', version: 2 });

  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('dialog', (d) => {
    problems.push(`dialog ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${server.url}/#token=${TOKEN}&/sweeps/${sweep.id}`);
  await page.waitForSelector('body[data-ready="sweep"]');
  const text = async (selector: string): Promise<string> => (await page.locator(selector).textContent()) ?? '';

  expect(await text('[data-testid="sweep-prior"]')).toBe(` · prior: 2 runs from ${prior.id}`);
  expect(await page.locator(`[data-testid="sweep-prior"] a[href="#/sweeps/${prior.id}"]`).count()).toBe(1);
  expect(await page.locator('[data-testid="enqueued-tag"]').count()).toBe(1);
  expect(await text(`[data-run-id="${enqueued.runId}"] [data-testid="enqueued-tag"]`)).toBe('enqueued');
  const version = (runId: string) => text(`[data-run-id="${runId}"] [data-col="version"]`);
  expect([await version(searched.runId), await version(enqueued.runId), await version(later.runId)]).toEqual(['v1', 'v1', 'v2']);

  const changes = (v: number) => page.locator(`[data-testid="versions"] [data-version="${v}"] ul.changes li`).allTextContents();
  expect(await changes(2)).toEqual([`+ y: values ["a",${JSON.stringify(XSS)}] · default a`, 'run_cap: — → 10']);
  expect(await page.locator('[data-testid="versions"] [data-version="1"]').textContent()).toContain('created');

  // edited again while the page is open: the card follows
  await updateSweepConfig(r.client, sweep.id, config(V2.replace('run_cap: 10', 'run_cap: 12')), V2.replace('run_cap: 10', 'run_cap: 12'));
  await expect.poll(async () => await changes(3), { timeout: 10_000 }).toEqual(['run_cap: 10 → 12']);

  mkdirSync(join(packageRoot, 'test', '.artifacts'), { recursive: true });
  await page.locator('[data-testid="versions"]').screenshot({ path: join(packageRoot, 'test', '.artifacts', 'versions-card.png') });
  await page.locator('.page-head').screenshot({ path: join(packageRoot, 'test', '.artifacts', 'sweep-head-prior.png') });
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="download-csv"]').click()]);
  expect(download.suggestedFilename()).toBe(`${sweep.id}.csv`);
  const rows = parse(readFileSync((await download.path())!, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  expect(rows.map((row) => [row.run_id, row.reason, row.version, row['config.y'] ?? ''])).toEqual([
    [searched.runId, 'random', '1', ''],
    [enqueued.runId, 'enqueued', '1', ''],
    [later.runId, 'random', '2', XSS],
  ]);
  expect(await page.locator('img').count()).toBe(0);
  expect(problems).toEqual([]);
  await context.close();
}, 90_000);

test('Download CSV asks for the token when the export is refused; a sweep never edited shows no versions card, one without prior no prior line', async () => {
  const sweep = await createSweep(r.client, { config: config(V1), source: V1 });
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/#token=${TOKEN}&/sweeps/${sweep.id}`);
  await page.waitForSelector('body[data-ready="sweep"]');
  expect(await page.locator('[data-testid="versions"]').isHidden()).toBe(true);
  expect(await page.locator('[data-testid="sweep-prior"]').count()).toBe(0);
  await page.evaluate(() => localStorage.setItem('hypersweep.token', 'wrong'));
  await page.locator('[data-testid="download-csv"]').click();
  await page.waitForSelector('[data-testid="token-form"]');
  await context.close();
}, 90_000);
