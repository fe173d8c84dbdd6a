/**
 * The files of one attempt: a private temporary directory with `params.json` (the config) and
 * `metrics.jsonl` (where the script may log), removed once the attempt has ended.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configJson } from 'hypersweep/web/shared/config-args.js';
import type { RunJob } from '../src/queue/run-job.js';

export interface AttemptFiles {
  dir: string;
  paramsFile: string;
  metricsFile: string;
}

/** `r3f…` → a file-name-safe fragment. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'x';
}

export async function prepareAttemptFiles(job: RunJob): Promise<AttemptFiles> {
  const dir = await mkdtemp(join(tmpdir(), `hypersweep-${safeName(job.runId)}-${job.attempt}-`));
  const files = { dir, paramsFile: join(dir, 'params.json'), metricsFile: join(dir, 'metrics.jsonl') };
  await Promise.all([writeFile(files.paramsFile, configJson(job.config, job.floats)), writeFile(files.metricsFile, '')]);
  return files;
}

export async function removeAttemptFiles(files: AttemptFiles): Promise<void> {
  await rm(files.dir, { recursive: true, force: true }).catch(() => undefined);
}
