/**
 * The fault suite's processes: `hypersweep` commands (through tsx, as in development) started
 * with their output appended to a log file, signalled, and killed for good.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO = join(import.meta.dirname, '..');
const TSX = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;
const MAIN = join(REPO, 'src/cli/main.ts');

export interface Proc {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
  logFile: string;
  /** Size of the log file when the process started. */
  logFrom: number;
}

/** argv that runs `hypersweep ...argv` from this checkout. */
export function hypersweepArgv(argv: string[]): string[] {
  return [process.execPath, '--import', TSX, MAIN, ...argv];
}

/** Start `command` (argv[0] from the PATH) with `env` on top of ours; stdout and stderr go to `logFile`. */
export function start(name: string, command: string[], env: NodeJS.ProcessEnv, logFile: string): Proc {
  const [bin, ...rest] = command;
  const logFrom = existsSync(logFile) ? statSync(logFile).size : 0;
  const proc = spawn(bin!, rest, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const write = (d: Buffer) => appendFileSync(logFile, d);
  proc.stdout!.on('data', write);
  proc.stderr!.on('data', write);
  proc.on('error', (err) => appendFileSync(logFile, `spawn: ${err.message}\n`));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { name, proc, exited, logFile, logFrom };
}

/** Wait until the process has written `text` to its log (since it started); false if it exited or `timeoutMs` passed first. */
export async function waitForLog(p: Proc, text: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(p.logFile) && readFileSync(p.logFile).subarray(p.logFrom).includes(text)) return true;
    if (!alive(p) || Date.now() > deadline) return false;
    await sleep(200);
  }
}

export function alive(p: Proc): boolean {
  return p.proc.exitCode === null && p.proc.signalCode === null;
}

export function signal(p: Proc, sig: NodeJS.Signals): void {
  try {
    p.proc.kill(sig);
  } catch {
    // gone
  }
}

/** SIGKILL (after a SIGCONT, so a frozen process dies too) and wait for the exit. */
export async function kill(p: Proc): Promise<void> {
  if (!alive(p)) return;
  signal(p, 'SIGCONT');
  signal(p, 'SIGKILL');
  await p.exited;
}

/**
 * The environment that skews a process's clocks by `offset` (e.g. "-20s") with Debian's
 * libfaketime, preloaded directly: the `faketime` wrapper forks, so a signal to it would not
 * reach the agent. Undefined when libfaketime is not installed.
 */
export function skewedClockEnv(offset: string): NodeJS.ProcessEnv | undefined {
  const lib = libfaketime();
  return lib ? { LD_PRELOAD: lib, FAKETIME: offset } : undefined;
}

function libfaketime(): string | undefined {
  const roots = ['/usr/lib', '/usr/lib64', '/usr/local/lib'];
  for (const root of roots) {
    const direct = join(root, 'faketime/libfaketime.so.1');
    if (existsSync(direct)) return direct;
    let subdirs: string[] = [];
    try {
      subdirs = readdirSync(root);
    } catch {
      continue;
    }
    for (const d of subdirs) {
      const lib = join(root, d, 'faketime/libfaketime.so.1');
      if (existsSync(lib)) return lib;
    }
  }
  return undefined;
}

/** The host's uptime in seconds (10 ms steps), the clock the workload's records carry. */
export function uptime(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
