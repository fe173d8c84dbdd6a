/**
 * The files of one attempt: a private temporary directory with `params.json` (the config) and
 * `metrics.jsonl` (where the script may log), removed once the attempt has ended. The directory
 * is made in memory (/dev/shm) when the machine has room there, else in the temporary directory
 * (attemptRoot).
 *
 * Synchronous on purpose: a few small files in the local temporary directory take tens of
 * microseconds, while each asynchronous call is a round trip through libuv's thread pool (two
 * thread switches): those were ~1 ms of CPU per attempt, most of what the files cost
 * (bench/fleet.ts). A temporary directory that hangs would stall the agent, and so its lease,
 * which the run survives (the lease is fenced; the run is taken again).
 */
import { mkdtempSync, rmdirSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
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

/** A RAM file system (statfs f_type), and the room it must have left to be used (a container's default /dev/shm is 64 MB). */
const TMPFS_MAGIC = 0x01021994;
const MIN_SHM_FREE_BYTES = 2 ** 30;

/**
 * Where an agent makes its attempts' directories: TMPDIR when set (the user chose); else
 * /dev/shm when it is a RAM file system with at least 1 GiB free; else the temporary directory.
 * Four small files made and removed per attempt cost a disk file system's journal several times
 * what they cost in memory (on the fleet bench's machines: ~1 ms of kernel time per run, ~13 % of
 * the runs/s of 1,000 agents); the only one that grows is the metrics file a script logs to,
 * removed when its attempt ends. Read once per agent.
 */
export function attemptRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TMPDIR) return env.TMPDIR;
  try {
    const fs = statfsSync('/dev/shm');
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= MIN_SHM_FREE_BYTES) return '/dev/shm';
  } catch {
    // no /dev/shm (macOS, Windows)
  }
  return tmpdir();
}

export function prepareAttemptFiles(root: string, job: RunJob): AttemptFiles {
  const dir = mkdtempSync(join(root, `hypersweep-${safeName(job.runId)}-${job.attempt}-`));
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
