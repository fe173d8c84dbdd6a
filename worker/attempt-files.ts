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
import { mkdtempSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
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

/** The W&B params file's name in the attempt's directory (written by worker/wandb-env.ts). */
export const WANDB_PARAMS_FILE = 'wandb-sweep-params.yaml';

/** The names the agent itself writes into an attempt's directory. */
const KNOWN_FILES = ['params.json', 'metrics.jsonl', WANDB_PARAMS_FILE];

/**
 * Removes the directory: the files the agent made, then the directory itself, and only when the
 * script left more there, the whole tree (Node's recursive rm first tries the directory, fails
 * with an exception, lists it and stats each entry: several times the calls for the usual case).
 */
export function removeAttemptFiles(files: AttemptFiles): void {
  for (const name of KNOWN_FILES) {
    try {
      unlinkSync(join(files.dir, name));
    } catch {
      // not made (no W&B file when the command failed to build) or already gone
    }
  }
  try {
    rmdirSync(files.dir);
  } catch {
    try {
      rmSync(files.dir, { recursive: true, force: true });
    } catch {
      // already gone, or not ours to remove: nothing of the attempt depends on it
    }
  }
}
