/** An attempt's directory is removed whole: the usual case (only the agent's own files) and a script that left more there. */
import { existsSync, mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { attemptRoot, prepareAttemptFiles, removeAttemptFiles, WANDB_PARAMS_FILE } from '../../worker/attempt-files.js';
import type { RunJob } from '../../src/queue/run-job.js';
import { EXECUTION } from './agent-harness.js';

const job: RunJob = { sweepId: 's', runId: 'r/1', attempt: 2, token: 't', config: { lr: 0.1 }, execution: EXECUTION };

test("the agent's own files only: the directory is gone", () => {
  const files = prepareAttemptFiles(tmpdir(), job);
  writeFileSync(join(files.dir, WANDB_PARAMS_FILE), 'wandb_version: 1\n');
  expect(existsSync(files.paramsFile) && existsSync(files.metricsFile)).toBe(true);
  removeAttemptFiles(files);
  expect(existsSync(files.dir)).toBe(false);
  removeAttemptFiles(files); // already gone: no throw
});

test('a script that left files and folders in it: the whole tree is gone', () => {
  const files = prepareAttemptFiles(tmpdir(), job);
  mkdirSync(join(files.dir, 'ckpt', 'deep'), { recursive: true });
  writeFileSync(join(files.dir, 'ckpt', 'deep', 'model.bin'), 'x');
  writeFileSync(join(files.dir, 'extra.txt'), 'y');
  removeAttemptFiles(files);
  expect(existsSync(files.dir)).toBe(false);
});

test("attempts' directories go to TMPDIR when the user set it, else to /dev/shm when it is a RAM file system with room, else the temporary directory", () => {
  expect(attemptRoot({ TMPDIR: '/scratch/me' })).toBe('/scratch/me');
  const shm = (() => {
    try {
      const fs = statfsSync('/dev/shm');
      return fs.type === 0x01021994 && fs.bavail * fs.bsize >= 2 ** 30;
    } catch {
      return false;
    }
  })();
  expect(attemptRoot({})).toBe(shm ? '/dev/shm' : tmpdir());
  const files = prepareAttemptFiles(attemptRoot({}), job);
  expect(existsSync(files.paramsFile)).toBe(true);
  removeAttemptFiles(files);
});
