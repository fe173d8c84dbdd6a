/**
 * The git state of a program's directory: commit, branch, dirty files and the diff against HEAD.
 * `git status` (fast: it trusts the index's stat cache) runs each time; the diff and its hash
 * are recomputed only when the status, HEAD or a changed file's size/mtime differ from the last
 * time (the cheap invalidation), so a sweep of many runs on unchanged code diffs once.
 * Also used by `hypersweep reproduce` to compare the local code with a recorded one.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_DIFF_BYTES, type GitState } from '../src/store/run-provenance.js';

const MAX_DIRTY = 200;
const MAX_UNTRACKED = 100;
/** A diff past this is not read at all (its hash is of the first this many bytes, said so by diffBytes). */
const MAX_DIFF_READ = 64 * 1024 * 1024;

function git(dir: string, args: string[], maxBuffer = 16 * 1024 * 1024): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer, timeout: 30_000, windowsHide: true, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } }, (err, stdout) =>
      resolve(err ? undefined : stdout),
    );
  });
}

const diffs = new Map<string, { key: string; diff: Pick<GitState, 'diff' | 'diffBytes' | 'diffSha256' | 'diffTruncated'> }>();
/** dir → its repository's top directory ('' when none): asked once per directory. */
const roots = new Map<string, Promise<string>>();

/** The text after the `n`th space (porcelain v2 paths may hold spaces). */
function afterFields(entry: string, n: number): string {
  let at = -1;
  for (let i = 0; i < n; i++) at = entry.indexOf(' ', at + 1);
  return entry.slice(at + 1);
}

/** The state of the repository holding `dir`; null when `dir` is not in one (or git is missing). One `git status` per call. */
export async function gitState(dir: string): Promise<GitState | null> {
  let rootAsked = roots.get(dir);
  if (!rootAsked) roots.set(dir, (rootAsked = git(dir, ['rev-parse', '--show-toplevel']).then((out) => out?.trim() ?? '')));
  const root = await rootAsked;
  if (!root) return null;
  const status = await git(root, ['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=normal']);
  if (status === undefined) return null;
  let commit: string | null = null;
  let branch: string | null = null;
  const dirtyFiles: string[] = [];
  const untracked: string[] = [];
  const entries = status.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.startsWith('# branch.oid ')) commit = /^[0-9a-f]{40,64}$/.test(e.slice(13)) ? e.slice(13) : null;
    else if (e.startsWith('# branch.head ')) branch = e.slice(14) === '(detached)' ? null : e.slice(14);
    else if (e.startsWith('? ')) untracked.push(e.slice(2));
    else if (e.startsWith('1 ')) dirtyFiles.push(afterFields(e, 8));
    else if (e.startsWith('u ')) dirtyFiles.push(afterFields(e, 10));
    else if (e.startsWith('2 ')) {
      dirtyFiles.push(afterFields(e, 9));
      i++; // the rename's source follows
    }
  }
  const base = { root, commit, branch: branch?.trim() || null, dirty: dirtyFiles.length > 0, dirtyFiles: dirtyFiles.slice(0, MAX_DIRTY), untracked: untracked.slice(0, MAX_UNTRACKED) };
  if (!base.dirty) return { ...base, diff: '', diffBytes: 0, diffSha256: '', diffTruncated: false };
  const stamps = await Promise.all(dirtyFiles.slice(0, MAX_DIRTY).map((f) => stat(join(root, f)).then((s) => `${s.size}:${s.mtimeMs}`, () => '-')));
  const key = [commit, status, ...stamps].join('\0');
  const cached = diffs.get(root);
  if (cached?.key === key) return { ...base, ...cached.diff };
  const text = commit ? await git(root, ['diff', '--no-color', '--no-ext-diff', 'HEAD'], MAX_DIFF_READ) : await git(root, ['diff', '--no-color', '--no-ext-diff', '--cached'], MAX_DIFF_READ);
  const whole = text ?? '';
  const diffBytes = Buffer.byteLength(whole);
  const diff = { diff: diffBytes <= MAX_DIFF_BYTES ? whole : '', diffBytes, diffSha256: createHash('sha256').update(whole).digest('hex'), diffTruncated: diffBytes > MAX_DIFF_BYTES };
  diffs.set(root, { key, diff });
  return { ...base, ...diff };
}
