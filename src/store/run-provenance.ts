/**
 * What each attempt ran, as its agent recorded it (worker/attempt-provenance.ts): the exact
 * command, working directory and hypersweep's environment variables, the code's git commit
 * and diff, the interpreter and its packages, the host and its GPUs. One record per attempt,
 * written once by the agent that holds the attempt; the sweep keeps a count per code variant
 * and package set, so its page can say when runs ran on different ones, and, once each, the
 * parts attempts share (below). This file is the one that knows these keys' fields.
 */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import type { RedisClient } from './redis-client.js';
import { keys } from './keys.js';
import { callScript } from './store-scripts.js';
import { execPipeline } from './exec-pipeline.js';

/** Most bytes of a diff kept in a record; beyond it only its size and hash are. */
export const MAX_DIFF_BYTES = 64 * 1024;
/** Most bytes of one record as stored, its setup included (a record past it is refused, never truncated silently). */
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

/** The few fields of the latest record an export shows per run. */
export interface ProvenanceBrief {
  attempt: number;
  commit: string | null;
  dirty: boolean;
  /** sha256 of the uncommitted changes; '' when clean. */
  diffSha256: string;
  packagesSha256: string | null;
  host: string;
}

function briefOf(r: Pick<AttemptProvenance, 'attempt' | 'git' | 'python' | 'host'>): ProvenanceBrief {
  return { attempt: r.attempt, commit: r.git?.commit ?? null, dirty: r.git?.dirty ?? false, diffSha256: r.git?.dirty ? r.git.diffSha256 : '', packagesSha256: r.python?.packagesSha256 ?? null, host: r.host };
}

function codeField(git: GitState | null): string {
  if (!git) return 'code|none|';
  return `code|${git.commit ?? 'none'}|${git.dirty ? git.diffSha256 : ''}`;
}

/*
 * How records are stored. Most of a record is the same for every attempt one agent runs for a
 * sweep: where and with what it ran (its setup: directory, code, interpreter, host, versions),
 * and within that the package list (2–10 KB) and any diff. Each of these is stored once in
 * keys.sweepProvenance under `blob|<kind>|<sha256>`; an attempt's record keeps what is its own
 * (argv, env, files, floats, GPUs given) and names its setup. That part is stored zlib-deflated
 * (it repeats the attempt's files folder and run id): ~0.3 KB instead of 1.5–15 KB per attempt.
 * Records written before (JSON text, everything inline or with `shared` package and diff names)
 * read the same: a stored record is JSON when it starts with `{`, deflated (0x78…) otherwise.
 */

/** The fields of a record that make up its setup. */
type SetupField = 'cwd' | 'program' | 'git' | 'python' | 'host' | 'os' | 'gpus' | 'hypersweepVersion' | 'hypersweepDir' | 'nodeVersion';

/**
 * A setup as stored: its package list and diff left out, named by their sha256; `env` holds the
 * variables that do not name the attempt (neither its run id nor its files), the same for every
 * attempt of the agent (PYTHONPATH, the sweep id...). The split only decides what is stored once:
 * a setup is named by the hash of what it holds, so any split reads back the same record.
 */
type StoredSetup = Pick<AttemptProvenance, SetupField> & { env: Record<string, string>; packages?: string; diff?: string };

/** What a record whose setup is gone reads with. */
const MISSING_SETUP: StoredSetup = { cwd: '', program: null, git: null, python: null, host: '', os: '', gpus: [], hypersweepVersion: '', hypersweepDir: '', nodeVersion: '', env: {} };

/** An attempt's record as stored; `setup` names its StoredSetup. Older records hold the setup fields themselves. */
type StoredRecord = Omit<AttemptProvenance, SetupField> &
  Partial<Pick<AttemptProvenance, SetupField>> & { setup?: string; shared?: { packages?: string; diff?: string } };

type BlobKind = 'setup' | 'packages' | 'diff';
const blobField = (kind: BlobKind, sha: string) => `blob|${kind}|${sha}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Blobs this process wrote lately (`<sweepId>|<field>` → when): an agent writes the same package
 * list and setup attempt after attempt, so they are sent again only after BLOB_RESEND_MS (a Redis
 * that lost them gets them back; a record whose blob is gone reads with that part empty).
 */
const blobsSent = new Map<string, number>();
const BLOB_RESEND_MS = 60_000;

function blobDue(sweepId: string, field: string, now: number): boolean {
  const at = blobsSent.get(`${sweepId}|${field}`);
  return at === undefined || now - at >= BLOB_RESEND_MS || now < at;
}

function blobsWritten(sweepId: string, fields: readonly string[], now: number): void {
  if (blobsSent.size > 10_000) blobsSent.clear();
  for (const field of fields) blobsSent.set(`${sweepId}|${field}`, now);
}

/** The record as stored, its setup's JSON, and the blobs it names that are due to be written. */
function splitRecord(runId: string, record: AttemptProvenance, due: (field: string) => boolean): { stored: StoredRecord; setupJson: string; blobs: Array<[string, string]> } {
  const blobs: Array<[string, string]> = [];
  let { python, git } = record;
  const names: { packages?: string; diff?: string } = {};
  if (python && python.packages.length > 0) {
    const field = blobField('packages', python.packagesSha256);
    if (due(field)) blobs.push([field, JSON.stringify(python.packages)]);
    names.packages = python.packagesSha256;
    python = { ...python, packages: [] };
  }
  if (git && git.diff !== '' && git.diffSha256 !== '') {
    const field = blobField('diff', git.diffSha256);
    if (due(field)) blobs.push([field, git.diff]);
    names.diff = git.diffSha256;
    git = { ...git, diff: '' };
  }
  const ownEnv: Record<string, string> = {};
  const sharedEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.env)) {
    const own = value.includes(runId) || (record.filesDir !== '' && value.includes(record.filesDir));
    (own ? ownEnv : sharedEnv)[name] = value;
  }
  const { cwd, program, host, os, gpus, hypersweepVersion, hypersweepDir, nodeVersion, ...own } = record;
  const setup: StoredSetup = { cwd, program, git, python, host, os, gpus, hypersweepVersion, hypersweepDir, nodeVersion, env: sharedEnv, ...names };
  const setupJson = JSON.stringify(setup);
  const setupSha = sha256(setupJson);
  if (due(blobField('setup', setupSha))) blobs.push([blobField('setup', setupSha), setupJson]);
  const { git: _g, python: _p, ...rest } = own;
  return { stored: { ...rest, env: ownEnv, setup: setupSha }, setupJson, blobs };
}

/**
 * Write the record of one attempt (its field is the attempt number) and count its variant in the
 * sweep. A record whose own part and setup exceed MAX_PROVENANCE_BYTES is refused (package lists
 * and diffs are bounded where they are read: worker/python-env.ts, MAX_DIFF_BYTES).
 */
export async function writeAttemptProvenance(redis: RedisClient, sweepId: string, runId: string, record: AttemptProvenance, now = Date.now()): Promise<void> {
  const { stored, setupJson, blobs } = splitRecord(runId, record, (field) => blobDue(sweepId, field, now));
  const json = JSON.stringify(stored);
  const bytes = Buffer.byteLength(json) + Buffer.byteLength(setupJson);
  if (bytes > MAX_PROVENANCE_BYTES) throw new RangeError(`provenance of run ${runId}#${record.attempt} is ${bytes} bytes (most ${MAX_PROVENANCE_BYTES})`);
  await callScript(redis, 'hsWriteProvenance', [keys.sweepProvenance(sweepId), keys.runProvenance(sweepId, runId)], [
    record.attempt,
    deflateSync(json, DEFLATE),
    codeField(record.git),
    record.python ? `packages|${record.python.packagesSha256}` : '',
    ...blobs.flat(),
  ]);
  blobsWritten(sweepId, blobs.map(([field]) => field), now);
}

/** Fast and small-state: a record is ~0.5 KB (level 6 and a 32 KB window saved ~10%, for twice the CPU and 100× the memory). */
const DEFLATE = { level: 1, windowBits: 9, memLevel: 1 } as const;

function parseJson<T>(text: unknown): T | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Blobs of one kind by sha256, one HMGET (missing ones absent). */
async function readBlobs(redis: RedisClient, sweepId: string, kind: BlobKind, shas: ReadonlySet<string>): Promise<Map<string, string>> {
  const list = [...shas];
  if (list.length === 0) return new Map();
  const values = await redis.hmget(keys.sweepProvenance(sweepId), ...list.map((sha) => blobField(kind, sha)));
  const out = new Map<string, string>();
  list.forEach((sha, i) => values[i] !== null && values[i] !== undefined && out.set(sha, values[i]!));
  return out;
}

/** Stored records with their setup put back (a setup that is gone leaves its fields empty); package lists and diffs still named only. */
async function withSetups(redis: RedisClient, sweepId: string, records: StoredRecord[]): Promise<StoredRecord[]> {
  const setups = await readBlobs(redis, sweepId, 'setup', new Set(records.flatMap((r) => (r.setup ? [r.setup] : []))));
  return records.map((r) => {
    if (!r.setup) return r;
    const { setup: sha, ...own } = r;
    const { packages, diff, env, ...fields } = parseJson<StoredSetup>(setups.get(sha)) ?? MISSING_SETUP;
    return { ...own, ...fields, env: { ...env, ...own.env }, ...(packages || diff ? { shared: { ...(packages ? { packages } : {}), ...(diff ? { diff } : {}) } } : {}) };
  });
}

/** Put the package lists and diffs back (one that is gone leaves the part empty). */
async function withSharedParts(redis: RedisClient, sweepId: string, records: StoredRecord[]): Promise<AttemptProvenance[]> {
  const [packages, diffs] = await Promise.all([
    readBlobs(redis, sweepId, 'packages', new Set(records.flatMap((r) => (r.shared?.packages ? [r.shared.packages] : [])))),
    readBlobs(redis, sweepId, 'diff', new Set(records.flatMap((r) => (r.shared?.diff ? [r.shared.diff] : [])))),
  ]);
  return records.map((r) => {
    const { shared, setup: _named, ...record } = r;
    const out = record as AttemptProvenance;
    const list = shared?.packages ? parseJson<unknown>(packages.get(shared.packages)) : undefined;
    if (out.python && Array.isArray(list)) out.python = { ...out.python, packages: list.map(String) };
    const diff = shared?.diff ? diffs.get(shared.diff) : undefined;
    if (out.git && diff !== undefined) out.git = { ...out.git, diff };
    return out;
  });
}

/** A stored record's JSON: as it is, or inflated; undefined when it is neither. */
function recordText(bytes: Buffer): string | undefined {
  if (bytes[0] === 0x7b) return bytes.toString('utf8');
  try {
    return inflateSync(bytes, { maxOutputLength: MAX_PROVENANCE_BYTES }).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The stored records of a run's attempts, oldest first (a garbled one is skipped, never a 500). */
function recordsOf(hash: Record<string, Buffer>): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const [field, bytes] of Object.entries(hash)) {
    if (!/^\d+$/.test(field)) continue;
    const record = parseJson<StoredRecord>(recordText(bytes));
    if (record && typeof record === 'object') out.push(record);
  }
  return out.sort((a, b) => a.attempt - b.attempt);
}

/** The records of a run's attempts, oldest first (attempts that recorded nothing are absent). */
export async function readRunProvenance(redis: RedisClient, sweepId: string, runId: string): Promise<AttemptProvenance[]> {
  const stored = recordsOf(await redis.hgetallBuffer(keys.runProvenance(sweepId, runId)));
  return await withSharedParts(redis, sweepId, await withSetups(redis, sweepId, stored));
}

/** The brief of each run's latest recorded attempt (null: none recorded), in the order of `runIds`; two round trips (records, setups). */
export async function readProvenanceBriefs(redis: RedisClient, sweepId: string, runIds: readonly string[]): Promise<Array<ProvenanceBrief | null>> {
  if (runIds.length === 0) return [];
  const p = redis.pipeline();
  for (const id of runIds) p.hgetallBuffer(keys.runProvenance(sweepId, id));
  const latest = (await execPipeline(p)).map(([, hash]) => recordsOf((hash ?? {}) as Record<string, Buffer>).at(-1));
  const joined = await withSetups(redis, sweepId, latest.filter((r): r is StoredRecord => r !== undefined));
  let k = 0;
  return latest.map((r) => (r ? briefOf(joined[k++] as AttemptProvenance) : null));
}

/** The sweep's code variants and package sets, most attempts first. */
export async function readSweepProvenance(redis: RedisClient, sweepId: string): Promise<SweepProvenance> {
  const fields = (await redis.hkeys(keys.sweepProvenance(sweepId))).filter((f) => !f.startsWith('blob|'));
  const counts = fields.length > 0 ? await redis.hmget(keys.sweepProvenance(sweepId), ...fields) : [];
  const out: SweepProvenance = { code: [], packages: [] };
  fields.forEach((field, i) => {
    const count = Number(counts[i]);
    const parts = field.split('|');
    if (parts[0] === 'code' && parts.length === 3) out.code.push({ commit: parts[1] === 'none' ? null : parts[1]!, dirty: parts[2] !== '', diffSha256: parts[2]!, attempts: count });
    else if (parts[0] === 'packages' && parts.length === 2) out.packages.push({ packagesSha256: parts[1]!, attempts: count });
  });
  out.code.sort((a, b) => b.attempts - a.attempts);
  out.packages.sort((a, b) => b.attempts - a.attempts);
  return out;
}
