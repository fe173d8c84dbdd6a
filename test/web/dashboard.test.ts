/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) against the real
 * server (startServer: API + dashboard; its controller off, so seeded runs stay as seeded) on a
 * private redis-server. Sweeps are created with POST /api/sweeps and filled through the store's
 * domain operations. Screenshots go to test/.artifacts/; with UPDATE_SCREENSHOTS=1 the sweep page
 * also goes to docs/dashboard.png, the README's picture (so `npm test` leaves the tree clean).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { packageRoot } from '../../src/package-root.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { addLiveRun, addPoints, finishLiveRun, seedSweep, XSS, type SeededSweep } from './seed-sweep.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(packageRoot, 'test', '.artifacts');
const TOKEN = 'dashboard-test-token';

let redisServer: TestRedis;
let redis: Redis;
let browser: Browser;
const servers: RunningServer[] = [];
let url = '';
let tokenUrl = '';
let big: SeededSweep;
let hostile: SeededSweep;
const problems: string[] = [];
const dialogs: string[] = [];

async function listen(token?: string): Promise<string> {
  const server = await startServer({ port: 0, host: '127.0.0.1', redisUrl: redisServer.url, controller: false, log: () => {}, ...(token ? { token } : {}) });
  servers.push(server);
  return `${server.url}/`;
}

async function newPage(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return page;
}

/** For each chart container on the page: does it hold a canvas with painted pixels? */
async function paintedCharts(page: Page): Promise<Record<string, boolean>> {
  return await page.evaluate(() => {
    const out: Record<string, boolean> = {};
    document.querySelectorAll<HTMLElement>('[data-chart]').forEach((el, i) => {
      const canvases = Array.from(el.querySelectorAll('canvas'));
      const painted = canvases.some((c) => {
        const ctx = c.getContext('2d');
        if (!ctx || c.width === 0 || c.height === 0) return false;
        const data = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let k = 3; k < data.length; k += 4) if (data[k] !== 0) return true;
        return false;
      });
      out[`${el.dataset.chart}#${i}`] = painted;
    });
    return out;
  });
}

async function visibleCells(page: Page, col: string): Promise<string[]> {
  return await page.$$eval(`.vt-row [data-col="${col}"]`, (cells) => cells.slice(0, 12).map((c) => c.textContent ?? ''));
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  mkdirSync(join(packageRoot, 'docs'), { recursive: true });
  redisServer = await startRedis();
  redis = redisServer.client();
  [url, tokenUrl] = await Promise.all([listen(), listen(TOKEN)]);
  [big, hostile] = await Promise.all([
    seedSweep(redis, { runs: 200, steps: 60, running: 2, seed: 3, api: { url } }),
    seedSweep(redis, { runs: 24, steps: 12, hostile: true, seed: 5, api: { url: tokenUrl, token: TOKEN } }),
  ]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  await redisServer?.stop();
});

describe('dashboard in a browser', () => {
  it('lists every sweep with its counts, and shows a hostile name as text', async () => {
    const page = await newPage();
    await page.goto(url);
    await page.waitForSelector('body[data-ready="sweeps"]');
    const rows = page.locator('[data-testid="sweeps-table"] tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const bigRow = page.locator(`tr[data-sweep-id="${big.sweepId}"]`);
    const text = (await bigRow.textContent()) ?? '';
    const finished = big.runs.filter((r) => r.state === 'finished').length;
    expect(text).toContain('resnet lr sweep');
    expect(text).toContain(`${finished} finished`);
    expect(text).toContain('2 running');
    expect(text).toContain('random');
    expect(await page.locator(`tr[data-sweep-id="${hostile.sweepId}"] a`).first().textContent()).toBe(`demo ${XSS}`);
    expect(await page.locator('main img').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-sweeps.png'), fullPage: true });
    await page.close();
  });

  it('renders a 200-run sweep: table, curves, parallel coordinates, scatter, importance, best config', async () => {
    const page = await newPage();
    await page.goto(`${url}#/sweeps/${big.sweepId}`);
    await page.waitForSelector('body[data-ready="sweep"]');
    await expect.poll(() => page.locator('[data-testid="runs-table"] .vt-row').count()).toBeGreaterThan(10);
    // Virtualised: far fewer row elements than runs.
    expect(await page.locator('.vt-row').count()).toBeLessThan(80);
    expect(await page.locator('.card h2 .right').filter({ hasText: 'of 200 runs' }).textContent()).toContain('200 of 200 runs');
    await expect.poll(() => page.locator('[data-testid="importance"] tbody tr').count()).toBe(6);
    const charts = await paintedCharts(page);
    expect(Object.keys(charts).sort()).toEqual(['curves#0', 'parallel#1', 'scatter#2']);
    expect(Object.values(charts).every(Boolean)).toBe(true);
    const bestYaml = (await page.locator('[data-testid="best-config"]').textContent()) ?? '';
    expect(bestYaml).toMatch(/^lr: [\d.e-]+$/m);
    expect(bestYaml).toMatch(/^model:\n {2}depth: \d+$/m);
    await page.locator('[data-mode="args"]').click();
    expect(await page.locator('[data-testid="best-config"]').textContent()).toMatch(/--lr=[\d.e-]+ .*--model\.depth=\d+/);
    await page.locator('[data-mode="yaml"]').click();
    await page.waitForTimeout(300); // let the importance bars paint for the picture
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-sweep.png'), fullPage: true });
    if (process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: join(packageRoot, 'docs', 'dashboard.png'), fullPage: true });
    await page.close();
  });

  it('sorts and filters the runs table', async () => {
    const page = await newPage();
    await page.goto(`${url}#/sweeps/${big.sweepId}`);
    await page.waitForSelector('body[data-ready="sweep"]');
    // Default: best score first (minimize).
    const scores = (await visibleCells(page, 'score')).map(Number);
    expect(scores.length).toBeGreaterThan(5);
    expect([...scores].sort((a, b) => a - b)).toEqual(scores);
    await page.locator('[data-sort="score"]').click();
    const desc = (await visibleCells(page, 'score')).filter((s) => s !== '—').map(Number);
    expect([...desc].sort((a, b) => b - a)).toEqual(desc);
    await page.locator('[data-sort="p:lr"]').click();
    const lrs = (await visibleCells(page, 'p:lr')).map(Number);
    expect([...lrs].sort((a, b) => a - b)).toEqual(lrs);

    const stopped = big.runs.filter((r) => r.state === 'stopped').length;
    await page.locator('[data-state="stopped"]').click();
    await expect.poll(() => page.locator('.vt-row').count()).toBe(stopped);
    expect(new Set(await visibleCells(page, 'state'))).toEqual(new Set(['stopped']));
    expect(await page.locator('.vt-row [data-col="why"]').first().textContent()).toContain('hyperband');
    await page.locator('[data-state="failed"]').click();
    const failed = big.runs.filter((r) => r.state === 'failed').length;
    await expect.poll(() => page.locator('.vt-row').count()).toBe(stopped + failed);
    await page.locator('[data-state="all"]').click();
    await expect.poll(() => page.locator('.vt-row').count()).toBeGreaterThan(stopped + failed);
    await page.close();
  });

  it('shows a new run and its new points within 2 s, without a reload', async () => {
    const page = await newPage();
    await page.goto(`${url}#/sweeps/${big.sweepId}`);
    await page.waitForSelector('body[data-ready="sweep"]');
    await page.locator('[data-state="running"]').click();
    await expect.poll(() => page.locator('.vt-row').count()).toBe(2);
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const live = await addLiveRun(redis, big.sweepId, 4, 77);
    const t0 = Date.now();
    const row = page.locator(`.vt-row[data-run-id="${live.runId}"]`);
    await row.waitFor({ timeout: 2000 });
    expect(Date.now() - t0).toBeLessThan(2000);
    const chartId = await page.evaluate(() => (window as unknown as { echarts: { getInstanceByDom(e: Element): { id: string } } }).echarts.getInstanceByDom(document.querySelector('[data-chart="curves"]')!).id);
    await addPoints(redis, big.sweepId, live, 2, 4, 6);
    await expect.poll(async () => await row.locator('[data-col="steps"]').textContent(), { timeout: 2000, interval: 100 }).toBe('10');
    // The new points are in the curves chart, merged into the same echarts instance.
    const curveOf = async (): Promise<{ id: string; points: number; series: string | null }> =>
      await page.evaluate((runId) => {
        type Chart = { id: string; getOption(): { series: Array<{ id: string; data: Array<{ runId?: string; coords?: unknown[] }> }> } };
        const chart = (window as unknown as { echarts: { getInstanceByDom(e: Element): Chart } }).echarts.getInstanceByDom(document.querySelector('[data-chart="curves"]')!);
        for (const series of chart.getOption().series) {
          const item = series.data.find((d) => d.runId === runId);
          if (item) return { id: chart.id, points: item.coords?.length ?? 0, series: series.id };
        }
        return { id: chart.id, points: 0, series: null };
      }, live.runId);
    await expect.poll(curveOf, { timeout: 2000, interval: 100 }).toEqual({ id: chartId, points: 10, series: 'running' });
    // It ends: the table (filtered on running) drops it and the all-runs view shows it finished.
    await finishLiveRun(redis, big.sweepId, live);
    await expect.poll(() => row.count(), { timeout: 2500, interval: 100 }).toBe(0);
    await page.locator('[data-state="all"]').click();
    await page.locator('[data-sort="created"]').click();
    await expect.poll(async () => await page.locator(`.vt-row[data-run-id="${live.runId}"] [data-col="state"]`).textContent(), { timeout: 2000, interval: 100 }).toBe('finished');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await page.close();
  });

  it('shows hostile parameter values as text and fires no dialog', async () => {
    const page = await newPage();
    await page.goto(`${url}#/sweeps/${hostile.sweepId}`);
    await page.waitForSelector('body[data-ready="sweep"]');
    await page.locator('[data-sort="p:optimizer"]').click();
    await page.locator('[data-sort="p:optimizer"]').click(); // descending: '<img…' sorts before 'adam' ascending, so check both ends
    const cells = [...(await visibleCells(page, 'p:optimizer'))];
    await page.locator('[data-sort="p:optimizer"]').click();
    cells.push(...(await visibleCells(page, 'p:optimizer')));
    expect(cells).toContain(XSS);
    expect(await page.locator('h1').first().textContent()).toBe(`demo ${XSS}`);
    // Hover the charts so tooltips with user strings render.
    for (const chart of ['curves', 'parallel', 'scatter']) {
      const box = await page.locator(`[data-chart="${chart}"]`).boundingBox();
      if (!box) continue;
      for (let k = 1; k < 8; k++) await page.mouse.move(box.x + (box.width * k) / 8, box.y + box.height / 2);
    }
    const hostileRun = hostile.runs.find((r) => r.config.optimizer === XSS)!;
    await page.goto(`${url}#/sweeps/${hostile.sweepId}/runs/${hostileRun.runId}`);
    await page.waitForSelector('body[data-ready="run"]');
    expect(await page.locator('[data-testid="run-config"]').textContent()).toContain(`optimizer: ${JSON.stringify(XSS)}`);
    expect(await page.locator('[data-testid="log"]').textContent()).toContain(XSS);
    await page.waitForTimeout(300);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('shows a run: why it stopped, a chart per metric, config, attempts, log tail', async () => {
    const page = await newPage();
    const run = big.runs.find((r) => r.state === 'stopped')!;
    await page.goto(`${url}#/sweeps/${big.sweepId}/runs/${run.runId}`);
    await page.waitForSelector('body[data-ready="run"]');
    expect(await page.locator('[data-testid="why"]').textContent()).toMatch(/Stopped early.*hyperband/);
    await expect.poll(() => page.locator('[data-chart="metric"]').count()).toBe(3);
    const charts = await paintedCharts(page);
    expect(Object.values(charts).every(Boolean)).toBe(true);
    expect(await page.locator('[data-testid="attempts"] tbody tr').count()).toBe(1);
    expect(await page.locator('[data-testid="attempts"] tbody').textContent()).toContain('SIGTERM');
    expect(await page.locator('[data-testid="log"]').textContent()).toContain('done');
    expect(await page.locator('[data-testid="run-config"]').textContent()).toContain('model:\n  depth:');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run.png'), fullPage: true });

    // A failed run says so, with its exit code.
    const failed = big.runs.find((r) => r.state === 'failed')!;
    await page.goto(`${url}#/sweeps/${big.sweepId}/runs/${failed.runId}`);
    await expect.poll(() => page.locator('[data-testid="why"]').textContent()).toContain('Failed with exit code 1');
    await page.close();
  });

  it('asks for the token on 401, sends it, and the controls work with it', async () => {
    const page = await newPage();
    await page.goto(`${tokenUrl}#/sweeps/${big.sweepId}`);
    const form = page.locator('[data-testid="token-form"]');
    await form.waitFor();
    expect(await form.textContent()).toContain('needs a token');
    await page.locator('input[name="token"]').fill(TOKEN);
    await page.locator('[data-testid="token-form"] button[type="submit"]').click();
    await page.waitForSelector('body[data-ready="sweep"]');
    expect(await page.evaluate(() => localStorage.getItem('hypersweep.token'))).toBe(TOKEN);
    await page.locator('[data-action="pause"]').click();
    await expect.poll(() => page.locator('[data-testid="sweep-state"]').textContent()).toBe('paused');
    expect(await redis.hget(`hs:{${big.sweepId}}:sweep`, 'state')).toBe('paused');
    await page.locator('[data-action="resume"]').click();
    await expect.poll(() => page.locator('[data-testid="sweep-state"]').textContent()).toBe('running');
    // The 401s of the first visit are the expected console noise of this test only.
    for (let i = problems.length - 1; i >= 0; i--) if (problems[i]!.includes('401')) problems.splice(i, 1);
    await page.close();
  });

  it('logged no console errors on any page', () => {
    expect(problems).toEqual([]);
  });
});
