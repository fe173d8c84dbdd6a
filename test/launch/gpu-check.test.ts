/** bench/gpu-check.ts (the real-GPU check) on a machine without GPUs: it says it skipped, and exits 0. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPO } from '../worker/agent-harness.js';

const hasSmi = ['/usr/bin/nvidia-smi', '/bin/nvidia-smi'].some(existsSync);

// On a machine with GPUs the check runs for real: `npm run gpu-check`.
test.skipIf(hasSmi)('without nvidia-smi the GPU check skips, saying why', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'bench/gpu-check.ts')], { cwd: REPO, env: { ...process.env, PATH: '/usr/bin:/bin' }, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^gpu-check skipped: no GPU on this machine \(nvidia-smi not found\)$/m);
  expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({ bench: 'gpu-check', skipped: true, reason: 'nvidia-smi not found' });
}, 60_000);
