/**
 * The files of one attempt: a private temporary directory with `params.json` (the config) and
 * `metrics.jsonl` (where the script may log), removed once the attempt has ended.
 *
 * Synchronous on purpose: a few small files in the local temporary directory take tens of
 * microseconds, while each asynchronous call is a round trip through libuv's thread pool (two
 * thread switches): those were ~1 ms of CPU per attempt, most of what the files cost
 * (bench/fleet.ts). A temporary directory that hangs would stall the agent, and so its lease,
 * which the run survives (the lease is fenced; the run is taken again).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

export function prepareAttemptFiles(job: RunJob): AttemptFiles {
  const dir = mkdtempSync(join(tmpdir(), `hypersweep-${safeName(job.runId)}-${job.attempt}-`));
  const files = { dir, paramsFile: join(dir, 'params.json'), metricsFile: join(dir, 'metrics.jsonl') };
  writeFileSync(files.paramsFile, configJson(job.config, job.floats));
  writeFileSync(files.metricsFile, '');
  return files;
}

export function removeAttemptFiles(files: AttemptFiles): void {
  try {
    rmSync(files.dir, { recursive: true, force: true });
  } catch {
    // already gone, or not ours to remove: nothing of the attempt depends on it
  }
}
