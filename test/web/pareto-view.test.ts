/**
 * The Pareto view of a sweep with several objectives, in a real browser (Debian's chromium)
 * against the real server (controller off: runs are seeded through the store) on a private
 * redis-server: the front is drawn, its runs are marked in the table, inactive (conditional)
 * values show as empty, and a new run that beats the front replaces it without a reload.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { packageRoot } from '../../src/package-root.js';
import type { Config } from '../../src/config/types.js';
import { applyRunEvents } from '../../src/store/apply-run-event.js';
import { createRun, writeRunScores } from '../../src/store/run-store.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { postSweep } from './seed-sweep.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(packageRoot, 'test', '.artifacts');
const POLICY = { maxAttempts: 3, retryFailed: false, allowRequeue: true };
const SWEEP = `name: accuracy and latency
method: random
metrics:
  - {name: loss, goal: minimize}
  - {name: latency_ms, goal: minimize}
parameters:
  optimizer: {values: [sgd, adam]}
  width: {min: 16, max: 1024}
  momentum: {min: 0.0, max: 0.99, when: {optimizer: sgd}}
`;

let redisServer: TestRedis;
let redis: Redis;
let server: RunningServer;
let browser: Browser;
let sweepId = '';
const problems: string[] = [];

/** A finished run with both metrics logged. */
async function addRun(config: Config, loss: number, latency: number): Promise<string> {
  const { runId, token } = await createRun(redis, { sweepId, config, reason: 'random' });
  const base = { runId, attempt: 1, token };
  await applyRunEvents(redis, sweepId, [
    { type: 'started', ...base, agentId: 'a', slot: 'gpu0', host: 'box', pid: 1, at: Date.now() },
    { type: 'metrics', ...base, seq: 1, rows: [{ _step: 0, loss: loss + 0.5, latency_ms: latency }, { _step: 1, loss, latency_ms: latency }] },
  ], POLICY);
  await applyRunEvents(redis, sweepId, [{ type: 'finished', ...base, outcome: 'finished', exitCode: 0, signal: null, outputTail: '', at: Date.now() }], POLICY);
  await writeRunScores(redis, sweepId, [{ runId, score: loss }]);
  return runId;
}

/** The definition, by brute force: runs no other run beats on both metrics. */
function front(points: Array<{ id: string; loss: number; latency: number }>): string[] {
  return points.filter((p) => !points.some((q) => q !== p && q.loss <= p.loss && q.latency <= p.latency && (q.loss < p.loss || q.latency < p.latency))).map((p) => p.id).sort();
}

async function painted(page: Page, chart: string): Promise<boolean> {
  return await page.evaluate((name) => {
    const el = document.querySelector<HTMLElement>(`[data-chart="${name}"]`);
    return Array.from(el?.querySelectorAll('canvas') ?? []).some((c) => {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0) return false;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let k = 3; k < data.length; k += 4) if (data[k] !== 0) return true;
      return false;
    });
  }, chart);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  redisServer = await startRedis();
  redis = redisServer.client();
  server = await startServer({ port: 0, host: '127.0.0.1', redisUrl: redisServer.url, controller: false, log: () => {} });
  ({ id: sweepId } = await postSweep({ url: server.url }, SWEEP));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await redisServer?.stop();
});

it('draws the Pareto front, marks its runs in the table, shows inactive values as empty, and stays live', async () => {
  const points: Array<{ id: string; loss: number; latency: number }> = [];
  for (let i = 0; i < 12; i++) {
    const width = 64 + 32 * i;
    const config: Config = i % 2 === 0 ? { optimizer: 'sgd', width, momentum: i % 4 === 0 ? 0 : 0.9 } : { optimizer: 'adam', width };
    const loss = Number((1 / (1 + width / 64) + ((i * 37) % 11) / 50).toFixed(4));
    const latency = Number((width / 8 + ((i * 53) % 7)).toFixed(2));
    points.push({ id: await addRun(config, loss, latency), loss, latency });
  }
  const expected = front(points);
  expect(expected.length).toBeGreaterThan(1);

  const page = await browser.newPage({ viewport: { width: 1440, height: 1200 } });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  await page.goto(`${server.url}/#/sweeps/${sweepId}`);
  await page.waitForSelector('body[data-ready="sweep"]');
  await page.waitForSelector('[data-testid="pareto-card"]');
  await expect.poll(() => page.locator('[data-testid="pareto-note"]').textContent()).toBe(`${expected.length} Pareto runs of 12 scored`);
  await expect.poll(() => painted(page, 'pareto'), { timeout: 15_000 }).toBe(true);
  expect(await page.locator('select[aria-label="Pareto x metric"]').inputValue()).toBe('loss');
  expect(await page.locator('select[aria-label="Pareto y metric"]').inputValue()).toBe('latency_ms');

  // the table marks exactly the front's runs
  const marked = async () => (await page.$$eval('.vt-row .is-pareto', (els) => els.map((e) => (e.textContent ?? '').replace('◆ ', '')))).sort();
  await expect.poll(marked).toEqual(expected);
  // momentum is inactive for adam: an empty cell, not 0
  const momentumCells = await page.$$eval('.vt-row [data-col="p:momentum"]', (els) => els.map((e) => e.textContent ?? ''));
  expect(momentumCells.filter((t) => t === '—')).toHaveLength(6);
  expect(momentumCells.filter((t) => t === '0')).toHaveLength(3);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-pareto.png'), fullPage: true });

  // live: a run better on both metrics than every other becomes the whole front, without a reload
  const champion = await addRun({ optimizer: 'adam', width: 16 }, 0.01, 1);
  await expect.poll(() => page.locator('[data-testid="pareto-note"]').textContent(), { timeout: 20_000 }).toBe('1 Pareto run of 13 scored');
  await expect.poll(marked, { timeout: 20_000 }).toEqual([champion]);
  expect(problems).toEqual([]);
  await page.close();
}, 120_000);
