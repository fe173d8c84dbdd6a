/**
 * The run page's Reproduce card and the sweep page's mixed-code notice in a real browser
 * (chromium through playwright-core, as test/web/dashboard.test.ts) against the real server on
 * a private redis-server. Provenance records are written through the store's operation, with
 * hostile strings in every field a person controls (branch, file names, argv, diff, host).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type RunningServer } from '../../src/api/start-server.js';
import { packageRoot } from '../../src/package-root.js';
import { parseSweepConfig } from '../../src/config/parse-sweep-config.js';
import { createRun } from '../../src/store/run-store.js';
import { writeAttemptProvenance, type AttemptProvenance } from '../../src/store/run-provenance.js';
import { createSweep } from '../../src/store/sweep-store.js';
import { redisForFile } from '../helpers/redis-server.js';
import { XSS } from './seed-sweep.js';

const CHROMIUM = '/usr/bin/chromium';
const r = redisForFile();
let server: RunningServer;
let browser: Browser;

const record = (over: Partial<AttemptProvenance> = {}): AttemptProvenance => ({
  attempt: 1,
  recordedAt: Date.now(),
  argv: ['/usr/bin/env', 'python3', 'train.py', '--lr=0.1', `--note=${XSS}`],
  cwd: '/home/me/project',
  program: 'train.py',
  env: { HYPERSWEEP_RUN_ID: 'r1', CUDA_VISIBLE_DEVICES: '0' },
  filesDir: '/tmp/hypersweep-r1-1-abc',
  floats: [],
  git: { root: '/home/me/project', commit: 'a'.repeat(40), branch: XSS, dirty: true, dirtyFiles: [`${XSS}.py`], untracked: [], diff: `+print("${XSS}")\n`, diffBytes: 40, diffSha256: 'd'.repeat(64), diffTruncated: false },
  python: { interpreter: 'python3', executable: '/usr/bin/python3', version: '3.11.7', packages: ['numpy==1.26.4', 'torch==2.1.0'], packagesSha256: 'e'.repeat(64) },
  host: `gpu-box ${XSS}`,
  os: 'Linux 6.1 x64',
  gpus: [{ name: 'NVIDIA A100-SXM4-40GB', driver: '535.104.05' }],
  cudaVisibleDevices: '0',
  hypersweepVersion: '0.1.0',
  hypersweepDir: '/opt/hypersweep',
  nodeVersion: 'v20.0.0',
  ...over,
});

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  server = await startServer({ port: 0, host: '127.0.0.1', redisUrl: r.server.url, controller: false, log: () => {} });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test('the Reproduce card shows commit, dirty files, packages, host, GPUs and the command as text, copies the command; the sweep page says the runs ran on two code versions', async () => {
  const source = 'method: random\nmetric: {name: loss, goal: minimize}\nparameters:\n  lr: {min: 0.001, max: 0.1}\n';
  const sweep = await createSweep(r.client, { config: parseSweepConfig(source, { file: 's.yaml' }), source });
  const a = await createRun(r.client, { sweepId: sweep.id, config: { lr: 0.1 }, reason: 'random' });
  const b = await createRun(r.client, { sweepId: sweep.id, config: { lr: 0.01 }, reason: 'random' });
  await writeAttemptProvenance(r.client, sweep.id, a.runId, record());
  await writeAttemptProvenance(r.client, sweep.id, b.runId, record({ git: { ...record().git!, commit: 'b'.repeat(40), dirty: false, dirtyFiles: [], diff: '', diffSha256: '' } }));

  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('dialog', (d) => {
    problems.push(`dialog ${d.message()}`);
    void d.dismiss();
  });

  await page.goto(`${server.url}/#/sweeps/${sweep.id}/runs/${a.runId}`);
  await page.waitForSelector('body[data-ready="run"]');
  await page.waitForSelector('[data-testid="reproduce-command"]');
  const text = async (id: string): Promise<string> => (await page.locator(`[data-testid="${id}"]`).textContent()) ?? '';
  expect(await text('reproduce-commit')).toBe(`${'a'.repeat(12)} (${XSS})`);
  expect(await text('reproduce-dirty')).toBe(`yes: ${XSS}.py`);
  expect(await text('reproduce-packages')).toBe(`2 · sha256 ${'e'.repeat(12)}`);
  expect(await text('reproduce-host')).toBe(`gpu-box ${XSS} · Linux 6.1 x64`);
  expect(await text('reproduce-gpus')).toBe('NVIDIA A100-SXM4-40GB (driver 535.104.05)');
  const command = `cd /home/me/project && env HYPERSWEEP_RUN_ID=r1 CUDA_VISIBLE_DEVICES=0 /usr/bin/env python3 train.py --lr=0.1 '--note=${XSS}'`;
  expect(await text('reproduce-command')).toBe(command);
  await page.locator('[data-testid="reproduce"] summary').first().click();
  expect(await text('reproduce-diff')).toBe(`+print("${XSS}")\n`);
  mkdirSync(join(packageRoot, 'test', '.artifacts'), { recursive: true });
  await page.locator('section:has([data-testid="reproduce"])').screenshot({ path: join(packageRoot, 'test', '.artifacts', 'reproduce-card.png') });
  await page.locator('[data-testid="reproduce-copy"]').click();
  await expect.poll(async () => await page.evaluate(() => navigator.clipboard.readText()), { timeout: 5000 }).toBe(command);

  await page.goto(`${server.url}/#/sweeps/${sweep.id}`);
  await page.waitForSelector('body[data-ready="sweep"]');
  await expect.poll(async () => await text('provenance-notice'), { timeout: 10_000 }).toContain('Runs ran on 2 code versions');
  expect(await text('provenance-notice')).toContain(`${'a'.repeat(12)} + changes dddddddd (1 attempt)`);
  expect(await text('provenance-notice')).not.toContain('package sets');
  expect(await page.locator('img').count()).toBe(0);
  expect(problems).toEqual([]);
  await context.close();
}, 90_000);
