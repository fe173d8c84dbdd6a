/**
 * The sentinel: a small process beside the agent that starts the training scripts and kills
 * them when the agent cannot.
 * - It starts every script (its own process group, stdin closed, never through a shell) and
 *   passes its output and exit back. A `fork` copies the forking process's page tables and makes
 *   every page it writes afterwards fault once: from an agent's heap that was most of an agent's
 *   CPU per run on short runs (bench/fleet.ts); from the sentinel's few MB it is little.
 * - It knows every group from its birth, and the agent tells it each group's lease deadline
 *   (worker/lease-deadline.ts: monotonic ms, extended on every confirmed renewal); when a deadline
 *   passes, it SIGKILLs the group and says so. The kill does not depend on the agent's event loop:
 *   an agent that is frozen (SIGSTOP), blocked or starved still loses its scripts before Redis
 *   expires their leases.
 * - When its stdin closes without a goodbye, because the agent died, even by SIGKILL, it SIGKILLs
 *   every group it knows (Linux's PR_SET_PDEATHSIG is not reachable from Node).
 * One sentinel serves every agent of a process (useSentinel); one that dies is replaced for the
 * next scripts, and the scripts it had started are killed and their attempts end `lost`.
 *
 * Lines to the sentinel (stdin): `s ID JSON` (start {argv, cwd, env}), `+PGID DEADLINE` (watch;
 * DEADLINE `-` for none), `=PGID DEADLINE` (new deadline), `-PGID` (forget).
 * Lines from it (fd 3, never blocking, so a frozen agent cannot stall it): `p ID PID` (started),
 * `e ID CODE` (could not start), `1 PID BASE64` / `2 PID BASE64` (stdout / stderr bytes),
 * `c PID 1|2` (that pipe closed), `x PID CODE SIGNAL` (the leader exited), `k PGID` (killed at its
 * deadline). A deadline that has passed stays passed: a later, larger one does not save the group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { signalGroup, type GroupExit, type ProcessGroup } from './process-group.js';

const SCRIPT = `
const { spawn } = require('node:child_process');
const net = require('node:net');
const now = () => Number(process.hrtime.bigint() / 1000000n);
const groups = new Map(); let buf = ''; let timer;
const out = new net.Socket({ fd: 3, readable: false, writable: true });
out.on('error', () => {});
const send = (line) => out.write(line + '\\n');
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const kill = (g) => { try { process.kill(-g, 'SIGKILL'); } catch {} };
const reap = () => { for (const g of groups.keys()) kill(g); process.exit(0); };
const check = () => {
  clearTimeout(timer); timer = undefined;
  const t = now(); let next = Infinity;
  for (const [g, d] of groups) {
    if (d <= t) { send('k ' + g); kill(g); groups.delete(g); }
    else if (d < next) next = d;
  }
  if (next < Infinity) timer = setTimeout(check, Math.max(1, next - t));
};
const start = (id, o) => {
  let child;
  try { child = spawn(o.argv[0], o.argv.slice(1), { cwd: o.cwd, env: o.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }); }
  catch (err) { return send('e ' + id + ' ' + (err.code || 'EINVAL')); }
  child.once('error', (err) => { if (child.pid === undefined) send('e ' + id + ' ' + (err.code || 'EINVAL')); });
  child.once('spawn', () => {
    const pid = child.pid;
    groups.set(pid, Infinity);
    send('p ' + id + ' ' + pid);
    for (const [n, s] of [[1, child.stdout], [2, child.stderr]]) {
      s.on('data', (d) => {
        send(n + ' ' + pid + ' ' + d.toString('base64'));
        // The agent is not reading (frozen?): hold the script's output back, as its own pipe would.
        if (out.writableLength > 1048576 && !s.isPaused()) { s.pause(); out.once('drain', () => s.resume()); }
      });
      s.on('close', () => send('c ' + pid + ' ' + n));
    }
    child.once('exit', (code, signal) => send('x ' + pid + ' ' + code + ' ' + signal));
  });
};
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d; let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    if (line[0] === 's') {
      const sp = line.indexOf(' ', 2);
      try { start(line.slice(2, sp), JSON.parse(line.slice(sp + 1))); } catch { send('e ' + line.slice(2, sp) + ' EINVAL'); }
      continue;
    }
    const [g, dl] = line.slice(1).split(' ').map(Number);
    if (!Number.isInteger(g) || g <= 0) continue;
    const deadline = Number.isFinite(dl) ? dl : Infinity;
    if (line[0] === '+') groups.set(g, deadline);
    else if (line[0] === '=' && groups.has(g) && groups.get(g) > now()) groups.set(g, deadline);
    else if (line[0] === '-') groups.delete(g);
  }
  check();
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

/** A group the sentinel started, as the agent sees it until its leader exited and its pipes closed. */
interface Started {
  out: [PassThrough, PassThrough];
  exit: (e: GroupExit) => void;
  exited: boolean;
}

export class Sentinel {
  private readonly proc: ChildProcess;
  private readonly expired = new Set<number>();
  private readonly listeners = new Map<number, () => void>();
  private readonly starting = new Map<string, { resolve: (g: ProcessGroup) => void; reject: (e: Error) => void }>();
  private readonly started = new Map<number, Started>();
  private nextId = 0;
  private gone = false;

  constructor() {
    this.proc = spawn(process.execPath, ['-e', SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore', 'pipe'] });
    this.proc.on('error', () => this.died());
    this.proc.on('exit', () => this.died());
    this.proc.stdin!.on('error', () => undefined);
    const from = this.proc.stdio[3] as Readable;
    from.on('error', () => undefined);
    let buf = '';
    from.setEncoding('utf8');
    from.on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        this.line(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    this.proc.unref();
    for (const s of [this.proc.stdin, from]) (s as unknown as { unref?: () => void }).unref?.();
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** False once the sentinel process has exited (or could not start). */
  get alive(): boolean {
    return !this.gone;
  }

  /** Starts argv[0] with argv[1..] in its own group; rejects when it cannot be started (ENOENT, EACCES) or the sentinel is gone. */
  spawn(argv: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<ProcessGroup> {
    if (this.gone) return Promise.reject(goneError());
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      this.starting.set(id, { resolve, reject });
      this.proc.stdin!.write(`s ${id} ${JSON.stringify({ argv, cwd: options.cwd, env: options.env })}\n`);
    });
  }

  /**
   * Kill this group if the agent dies, or once `deadlineMs` (monotonic, see lease-deadline.ts)
   * passes; `onExpired` is called when the sentinel killed it for its deadline.
   */
  watch(pgid: number, deadlineMs?: number, onExpired?: () => void): void {
    this.expired.delete(pgid);
    if (onExpired) this.listeners.set(pgid, onExpired);
    this.write(`+${pgid} ${deadlineMs ?? '-'}\n`);
  }

  /** A renewal was confirmed: the group may live until `deadlineMs`, unless its deadline has passed already. */
  extend(pgid: number, deadlineMs: number): void {
    this.write(`=${pgid} ${deadlineMs}\n`);
  }

  /** True when the sentinel killed this group for its deadline (as far as its messages have arrived). */
  killedAtDeadline(pgid: number): boolean {
    return this.expired.has(pgid);
  }

  forget(pgid: number): void {
    this.listeners.delete(pgid);
    this.expired.delete(pgid);
    this.write(`-${pgid}\n`);
  }

  /** The agent is exiting cleanly: the sentinel exits (killing any group still registered). */
  close(): void {
    this.proc.stdin!.end();
  }

  private write(line: string): void {
    if (!this.gone) this.proc.stdin!.write(line);
  }

  private line(line: string): void {
    const sp = line.indexOf(' ', 2);
    const a = sp < 0 ? line.slice(2) : line.slice(2, sp);
    const rest = sp < 0 ? '' : line.slice(sp + 1);
    switch (line[0]) {
      case '1':
      case '2':
        this.started.get(Number(a))?.out[line[0] === '1' ? 0 : 1].write(Buffer.from(rest, 'base64'));
        break;
      case 'c':
        this.started.get(Number(a))?.out[rest === '1' ? 0 : 1].end();
        this.settle(Number(a));
        break;
      case 'x': {
        const s = this.started.get(Number(a));
        if (!s) break;
        const [code, signal] = rest.split(' ');
        s.exited = true;
        s.exit({ code: code === 'null' ? null : Number(code), signal: signal === 'null' ? null : (signal as NodeJS.Signals) });
        this.settle(Number(a));
        break;
      }
      case 'p':
        this.take(a)?.resolve(this.track(Number(rest)));
        break;
      case 'e':
        this.take(a)?.reject(Object.assign(new Error(`spawn ${rest}`), { code: rest }));
        break;
      case 'k': {
        const pgid = Number(a);
        this.expired.add(pgid);
        this.listeners.get(pgid)?.();
        break;
      }
    }
  }

  private take(id: string) {
    const pending = this.starting.get(id);
    this.starting.delete(id);
    return pending;
  }

  private track(pid: number): ProcessGroup {
    const out: [PassThrough, PassThrough] = [new PassThrough(), new PassThrough()];
    let exit!: (e: GroupExit) => void;
    const exited = new Promise<GroupExit>((r) => (exit = r));
    const group: ProcessGroup = { pid, stdout: out[0], stderr: out[1], exited, signal: (sig) => signalGroup(pid, sig) };
    this.started.set(pid, { out, exit, exited: false });
    return group;
  }

  /** Forget a started group once its leader exited and both its pipes closed. */
  private settle(pid: number): void {
    const s = this.started.get(pid);
    if (s?.exited && s.out.every((o) => o.writableEnded)) this.started.delete(pid);
  }

  /** The sentinel is gone: nobody watches or reads the scripts it started any more; kill them, their attempts are lost. */
  private died(): void {
    if (this.gone) return;
    this.gone = true;
    for (const [, p] of this.starting) p.reject(goneError());
    this.starting.clear();
    for (const [pid, s] of this.started) {
      signalGroup(pid, 'SIGKILL');
      for (const o of s.out) if (!o.writableEnded) o.end();
      if (!s.exited) s.exit({ code: null, signal: 'SIGKILL', lost: 'the sentinel process died' });
    }
    this.started.clear();
  }
}

function goneError(): NodeJS.ErrnoException {
  return Object.assign(new Error('the sentinel process is gone'), { code: 'ESENTINEL' });
}

/** One sentinel for every agent of this process; replaced when it has died. */
const shared: { sentinel: Sentinel | undefined; users: number } = { sentinel: undefined, users: 0 };

export interface SharedSentinel {
  /** The live sentinel (a new one if the last died). */
  readonly current: Sentinel;
  /** This user is done; the last one closes the sentinel. Idempotent. */
  release(): void;
}

export function useSentinel(): SharedSentinel {
  shared.users++;
  let released = false;
  return {
    get current() {
      if (!shared.sentinel?.alive) shared.sentinel = new Sentinel();
      return shared.sentinel;
    },
    release() {
      if (released) return;
      released = true;
      if (--shared.users > 0) return;
      shared.sentinel?.close();
      shared.sentinel = undefined;
    },
  };
}

/** The shared sentinel's pid, if one runs (benchmarks count its CPU). */
export function sharedSentinelPid(): number | undefined {
  return shared.sentinel?.alive ? shared.sentinel.pid : undefined;
}
