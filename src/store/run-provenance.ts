/**
 * What each attempt ran, as its agent recorded it (worker/attempt-provenance.ts): the exact
 * command, working directory and hypersweep's environment variables, the code's git commit
 * and diff, the interpreter and its packages, the host and its GPUs. One record per attempt,
 * written once by the agent that holds the attempt; the sweep keeps a count per code variant
 * and package set, so its page can say when runs ran on different ones. This file is the one
 * that knows these keys' fields.
 */
import type { ChainableCommander } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import { keys } from './keys.js';
import { execPipeline } from './exec-pipeline.js';

/** Most bytes of a diff kept in a record; beyond it only its size and hash are. */
export const MAX_DIFF_BYTES = 64 * 1024;
/** Most bytes of one JSON record (a record past it is refused, never truncated silently). */
export const MAX_PROVENANCE_BYTES = 512 * 1024;

export interface GitState {
  /** The repository's top directory on the agent. */
  root: string;
  /** HEAD's commit (full hash); null in a repository without commits. */
  commit: string | null;
  /** The current branch; null when detached. */
  branch: string | null;
  /** Tracked files differ from HEAD (staged or not). */
  dirty: boolean;
  /** Tracked files that differ from HEAD, relative to root (at most 200). */
  dirtyFiles: string[];
  /** Untracked, not ignored files (at most 100); listed, never diffed. */
  untracked: string[];
  /** `git diff HEAD` (binary changes as `Binary files differ`), whole when at most MAX_DIFF_BYTES, else ''. */
  diff: string;
  diffBytes: number;
  /** sha256 of the whole diff, hex; '' when clean. */
  diffSha256: string;
  /** The diff was longer than MAX_DIFF_BYTES: only its size and hash are kept. */
  diffTruncated: boolean;
}

export interface PythonState {
  /** What the attempt's command ran (`python3`, `/venv/bin/python`). */
  interpreter: string;
  /** sys.executable. */
  executable: string;
  /** platform.python_version(). */
  version: string;
  /** `name==version`, sorted case-insensitively (importlib.metadata, what `pip list --format=freeze` prints). */
  packages: string[];
  /** sha256 of `packages` joined by newlines, hex. */
  packagesSha256: string;
}

export interface GpuInfo {
  name: string;
  driver: string;
}

export interface AttemptProvenance {
  attempt: number;
  /** When the agent recorded it (ms). */
  recordedAt: number;
  /** The exact argv the attempt started (URLs and secret values redacted). */
  argv: string[];
  /** The working directory the command ran in. */
  cwd: string;
  /** The sweep's `program`, when it has one. */
  program: string | null;
  /** The environment variables hypersweep set or changed for the attempt, and no other. */
  env: Record<string, string>;
  /** The attempt's private folder (params.json, metrics.jsonl), removed when it ended; argv and env may name files in it. */
  filesDir: string;
  /** Paths of the config's integral numbers written as floats (`1.0`) in params.json. */
  floats: string[][];
  /** The program directory's repository; null when it is not in one (or git is missing). */
  git: GitState | null;
  /** The command's Python; null when it could not be asked. */
  python: PythonState | null;
  host: string;
  /** `Linux 6.1.0-18-amd64 x64 (Debian GNU/Linux 12 (bookworm))`. */
  os: string;
  /** nvidia-smi's GPUs of the host; [] without nvidia-smi. */
  gpus: GpuInfo[];
  cudaVisibleDevices: string | null;
  hypersweepVersion: string;
  /** Where hypersweep was installed on the agent (its python/ helpers are on PYTHONPATH). */
  hypersweepDir: string;
  nodeVersion: string;
}

/** The sweep's code variants and package sets, with how many attempts ran on each. */
export interface SweepProvenance {
  code: Array<{ commit: string | null; dirty: boolean; diffSha256: string; attempts: number }>;
  packages: Array<{ packagesSha256: string; attempts: number }>;
}

/** The few fields of the latest record an export shows per run (kept apart so an export never reads package lists). */
export interface ProvenanceBrief {
  attempt: number;
  commit: string | null;
  dirty: boolean;
  /** sha256 of the uncommitted changes; '' when clean. */
  diffSha256: string;
  packagesSha256: string | null;
  host: string;
}

function briefOf(r: AttemptProvenance): ProvenanceBrief {
  return { attempt: r.attempt, commit: r.git?.commit ?? null, dirty: r.git?.dirty ?? false, diffSha256: r.git?.dirty ? r.git.diffSha256 : '', packagesSha256: r.python?.packagesSha256 ?? null, host: r.host };
}

/** Queue the read of a run's ProvenanceBrief; parse its reply with parseProvenanceBrief. */
export function queueProvenanceBrief(p: ChainableCommander, sweepId: string, runId: string): void {
  p.hget(keys.runProvenance(sweepId, runId), 'brief');
}

export function parseProvenanceBrief(reply: unknown): ProvenanceBrief | null {
  if (typeof reply !== 'string') return null;
  try {
    return JSON.parse(reply) as ProvenanceBrief;
  } catch {
    return null;
  }
}

function codeField(git: GitState | null): string {
  if (!git) return 'code|none|';
  return `code|${git.commit ?? 'none'}|${git.dirty ? git.diffSha256 : ''}`;
}

/**
 * A package list and a diff are the same for most attempts of a sweep and most of a record's
 * bytes (a package list alone is 2–10 KB): each is stored once in keys.sweepProvenance, under
 * `blob|packages|<sha256>` and `blob|diff|<sha256>`, and the attempt's record names it.
 */
interface StoredProvenance extends AttemptProvenance {
  shared?: { sweepId: string; packages?: string; diff?: string };
}

const blobField = (kind: 'packages' | 'diff', sha: string) => `blob|${kind}|${sha}`;

/** The record as stored (shared parts left out and named) and the blobs to store once. */
function splitShared(sweepId: string, record: AttemptProvenance): { stored: StoredProvenance; blobs: Array<[string, string]> } {
  const blobs: Array<[string, string]> = [];
  const shared: NonNullable<StoredProvenance['shared']> = { sweepId };
  let { python, git } = record;
  if (python && python.packages.length > 0) {
    blobs.push([blobField('packages', python.packagesSha256), JSON.stringify(python.packages)]);
    shared.packages = python.packagesSha256;
    python = { ...python, packages: [] };
  }
  if (git && git.diff !== '' && git.diffSha256 !== '') {
    blobs.push([blobField('diff', git.diffSha256), git.diff]);
    shared.diff = git.diffSha256;
    git = { ...git, diff: '' };
  }
  return { stored: blobs.length > 0 ? { ...record, python, git, shared } : record, blobs };
}

/** Write the record of one attempt (its field is the attempt number) and count its variant in the sweep. */
export async function writeAttemptProvenance(redis: RedisClient, sweepId: string, runId: string, record: AttemptProvenance): Promise<void> {
  const json = JSON.stringify(record);
  if (Buffer.byteLength(json) > MAX_PROVENANCE_BYTES) throw new RangeError(`provenance of run ${runId}#${record.attempt} is ${Buffer.byteLength(json)} bytes (most ${MAX_PROVENANCE_BYTES})`);
  const { stored, blobs } = splitShared(sweepId, record);
  const m = redis.multi();
  for (const [field, value] of blobs) m.hsetnx(keys.sweepProvenance(sweepId), field, value);
  m.hset(keys.runProvenance(sweepId, runId), String(record.attempt), JSON.stringify(stored), 'brief', JSON.stringify(briefOf(record))).hincrby(keys.sweepProvenance(sweepId), codeField(record.git), 1);
  if (record.python) m.hincrby(keys.sweepProvenance(sweepId), `packages|${record.python.packagesSha256}`, 1);
  await execPipeline(m);
}

function parseList(text: string): string[] {
  try {
    const list: unknown = JSON.parse(text);
    return Array.isArray(list) ? list.map(String) : [];
  } catch {
    return [];
  }
}

/** Put the shared parts back into stored records (a blob that is gone leaves the part empty). */
async function joinShared(redis: RedisClient, records: StoredProvenance[]): Promise<AttemptProvenance[]> {
  const wanted = records.filter((r) => r.shared);
  if (wanted.length === 0) return records;
  const p = redis.pipeline();
  for (const { shared } of wanted) p.hmget(keys.sweepProvenance(shared!.sweepId), blobField('packages', shared!.packages ?? ''), blobField('diff', shared!.diff ?? ''));
  const replies = await execPipeline(p);
  return records.map((r) => {
    if (!r.shared) return r;
    const [packages, diff] = (replies[wanted.indexOf(r)]?.[1] as Array<string | null> | undefined) ?? [];
    const { shared, ...record } = r;
    if (shared.packages && record.python && packages) record.python = { ...record.python, packages: parseList(packages) };
    if (shared.diff && record.git && diff !== null && diff !== undefined) record.git = { ...record.git, diff };
    return record;
  });
}

/** The records of a run's attempts, oldest first (attempts that recorded nothing are absent). */
export async function readRunProvenance(redis: RedisClient, sweepId: string, runId: string): Promise<AttemptProvenance[]> {
  const h = await redis.hgetall(keys.runProvenance(sweepId, runId));
  const out: StoredProvenance[] = [];
  for (const [field, text] of Object.entries(h)) {
    if (!/^\d+$/.test(field)) continue;
    try {
      out.push(JSON.parse(text) as StoredProvenance);
    } catch {
      // a garbled record is skipped, never a 500
    }
  }
  return await joinShared(redis, out.sort((a, b) => a.attempt - b.attempt));
}

/** The sweep's code variants and package sets, most attempts first. */
export async function readSweepProvenance(redis: RedisClient, sweepId: string): Promise<SweepProvenance> {
  const h = await redis.hgetall(keys.sweepProvenance(sweepId));
  const out: SweepProvenance = { code: [], packages: [] };
  for (const [field, count] of Object.entries(h)) {
    const parts = field.split('|');
    if (parts[0] === 'code' && parts.length === 3) out.code.push({ commit: parts[1] === 'none' ? null : parts[1]!, dirty: parts[2] !== '', diffSha256: parts[2]!, attempts: Number(count) });
    else if (parts[0] === 'packages' && parts.length === 2) out.packages.push({ packagesSha256: parts[1]!, attempts: Number(count) });
  }
  out.code.sort((a, b) => b.attempts - a.attempts);
  out.packages.sort((a, b) => b.attempts - a.attempts);
  return out;
}
