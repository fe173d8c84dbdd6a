/**
 * A training process in its own process group (detached), stdin closed, never through a shell.
 * Signals go to the whole group (`kill(-pid)`), so whatever the script started goes with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface GroupExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when nobody could watch the group to its end (the sentinel that started it died): the agent killed it. */
  lost?: string;
}

export interface ProcessGroup {
  pid: number;
  stdout: Readable;
  stderr: Readable;
  /** Resolves when the group leader exits (not when its pipes close: a grandchild may hold them). */
  exited: Promise<GroupExit>;
  /** Signals every process of the group; false when none is left. */
  signal(sig: NodeJS.Signals): boolean;
}

/** Starts argv[0] with argv[1..] from this process (no sentinel: worker/sentinel.ts starts them otherwise); rejects when it cannot be started (ENOENT, EACCES). */
export async function spawnGroup(argv: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ProcessGroup> {
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, detached: true, shell: false, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pid = child.pid!;
  const exited = new Promise<GroupExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    pid,
    stdout: child.stdout!,
    stderr: child.stderr!,
    exited,
    signal: (sig) => signalGroup(pid, sig),
  };
}

/** Signals every process of group `pgid`; false when none is left. */
export function signalGroup(pgid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}
