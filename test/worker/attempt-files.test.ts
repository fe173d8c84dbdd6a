/** An attempt's directory is removed whole: the usual case (only the agent's own files) and a script that left more there. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { prepareAttemptFiles, removeAttemptFiles, WANDB_PARAMS_FILE } from '../../worker/attempt-files.js';
import type { RunJob } from '../../src/queue/run-job.js';
import { EXECUTION } from './agent-harness.js';

const job: RunJob = { sweepId: 's', runId: 'r/1', attempt: 2, token: 't', config: { lr: 0.1 }, execution: EXECUTION };

test("the agent's own files only: the directory is gone", () => {
  const files = prepareAttemptFiles(job);
  writeFileSync(join(files.dir, WANDB_PARAMS_FILE), 'wandb_version: 1\n');
  expect(existsSync(files.paramsFile) && existsSync(files.metricsFile)).toBe(true);
  removeAttemptFiles(files);
  expect(existsSync(files.dir)).toBe(false);
  removeAttemptFiles(files); // already gone: no throw
});

test('a script that left files and folders in it: the whole tree is gone', () => {
  const files = prepareAttemptFiles(job);
  mkdirSync(join(files.dir, 'ckpt', 'deep'), { recursive: true });
  writeFileSync(join(files.dir, 'ckpt', 'deep', 'model.bin'), 'x');
  writeFileSync(join(files.dir, 'extra.txt'), 'y');
  removeAttemptFiles(files);
  expect(existsSync(files.dir)).toBe(false);
});
