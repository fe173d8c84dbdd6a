/**
 * How the code and packages here differ from what an attempt recorded, in words a person acts
 * on: the commit, the files dirty on one side only or changed differently, the Python version
 * and each package added, removed or at another version. Pure: the caller gathers both sides.
 */
import type { GitState, PythonState } from '../store/run-provenance.js';

/** Most packages named per kind of difference (the rest are counted). */
const MAX_NAMED = 20;

function named(items: readonly string[]): string {
  return items.length <= MAX_NAMED ? items.join(', ') : `${items.slice(0, MAX_NAMED).join(', ')} and ${items.length - MAX_NAMED} more`;
}

function short(commit: string | null): string {
  return commit ? commit.slice(0, 12) : '(no commit)';
}

export function codeDifferences(recorded: GitState | null, local: GitState | null): string[] {
  if (!recorded) return [];
  if (!local) return [`code: recorded in a git repository (${recorded.root}, commit ${short(recorded.commit)}); here the program's directory is not in one`];
  const out: string[] = [];
  if (recorded.commit !== local.commit) out.push(`commit: recorded ${short(recorded.commit)}, here ${short(local.commit)}`);
  const there = new Set(recorded.dirtyFiles);
  const here = new Set(local.dirtyFiles);
  const onlyThere = recorded.dirtyFiles.filter((f) => !here.has(f));
  const onlyHere = local.dirtyFiles.filter((f) => !there.has(f));
  if (onlyThere.length > 0) out.push(`dirty files: changed in the recorded run, not here: ${named(onlyThere)}`);
  if (onlyHere.length > 0) out.push(`dirty files: changed here, not in the recorded run: ${named(onlyHere)}`);
  if (onlyThere.length === 0 && onlyHere.length === 0 && recorded.dirty && recorded.diffSha256 !== local.diffSha256) {
    out.push(`uncommitted changes differ in ${named(recorded.dirtyFiles)} (diff sha256 recorded ${recorded.diffSha256.slice(0, 12)}, here ${local.diffSha256.slice(0, 12)})`);
  }
  return out;
}

function packageMap(packages: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of packages) {
    const i = p.indexOf('==');
    m.set((i < 0 ? p : p.slice(0, i)).toLowerCase(), i < 0 ? '' : p.slice(i + 2));
  }
  return m;
}

export function packageDifferences(recorded: PythonState | null, local: PythonState | null): string[] {
  if (!recorded) return [];
  if (!local) return [`python: recorded ${recorded.interpreter} ${recorded.version}; here ${recorded.interpreter} cannot be asked`];
  const out: string[] = [];
  if (recorded.version !== local.version) out.push(`python: recorded ${recorded.version}, here ${local.version}`);
  if (recorded.packagesSha256 === local.packagesSha256) return out;
  const there = packageMap(recorded.packages);
  const here = packageMap(local.packages);
  const changed: string[] = [];
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [name, version] of there) {
    const v = here.get(name);
    if (v === undefined) missing.push(`${name}==${version}`);
    else if (v !== version) changed.push(`${name} ${version} → ${v}`);
  }
  for (const [name, version] of here) if (!there.has(name)) extra.push(`${name}==${version}`);
  if (changed.length > 0) out.push(`packages at another version here: ${named(changed)}`);
  if (missing.length > 0) out.push(`packages missing here: ${named(missing)}`);
  if (extra.length > 0) out.push(`packages only here: ${named(extra)}`);
  return out;
}
