/**
 * A Python interpreter's version and installed packages (importlib.metadata: what `pip list
 * --format=freeze` prints, without pip's start-up cost), asked once per (interpreter, PATH,
 * cwd) and process. Also used by `hypersweep reproduce` to compare with a recorded set.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { PythonState } from '../src/store/run-provenance.js';

const MAX_PACKAGES = 5000;

const PROBE = [
  'import sys, json, platform, importlib.metadata as m',
  'names = {}',
  'for d in m.distributions():',
  '    n = d.metadata["Name"]',
  '    if n and n.lower() not in names: names[n.lower()] = n + "==" + str(d.version)',
  'print(json.dumps({"executable": sys.executable, "version": platform.python_version(), "packages": sorted(names.values(), key=str.lower)}))',
].join('\n');

/** sha256 of a package list, the way records hash it. */
export function packagesSha256(packages: readonly string[]): string {
  return createHash('sha256').update(packages.join('\n')).digest('hex');
}

const probes = new Map<string, Promise<PythonState | null>>();

/** What `interpreter` is, run with `env` (PYTHONPATH as the agent has it) in `cwd`; null when it cannot be asked. */
export function pythonEnv(interpreter: string, env: NodeJS.ProcessEnv, cwd: string): Promise<PythonState | null> {
  const key = [interpreter, env.PATH ?? '', env.PYTHONPATH ?? '', env.VIRTUAL_ENV ?? '', cwd].join('\0');
  let probe = probes.get(key);
  if (!probe) {
    probe = new Promise((resolve) => {
      execFile(interpreter, ['-c', PROBE], { env, cwd, encoding: 'utf8', timeout: 60_000, maxBuffer: 8 * 1024 * 1024, windowsHide: true }, (err, stdout) => {
        if (err) return resolve(null);
        try {
          const got = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { executable: string; version: string; packages: string[] };
          const packages = got.packages.slice(0, MAX_PACKAGES).map(String);
          resolve({ interpreter, executable: String(got.executable), version: String(got.version), packages, packagesSha256: packagesSha256(packages) });
        } catch {
          resolve(null);
        }
      });
    });
    probes.set(key, probe);
  }
  return probe;
}
