/**
 * A small sentinel process beside the agent that kills training scripts when the agent cannot:
 * - the agent tells it (through a pipe) which process groups it runs and each group's lease
 *   deadline (worker/lease-deadline.ts: monotonic ms, extended on every confirmed renewal); when a
 *   deadline passes, the sentinel SIGKILLs the group and says so on its stdout. The kill does not
 *   depend on the agent's event loop: an agent that is frozen (SIGSTOP), blocked or starved still
 *   loses its scripts before Redis expires their leases.
 * - when the pipe closes without a goodbye, because the agent died, even by SIGKILL, it SIGKILLs
 *   every group it knows (Linux's PR_SET_PDEATHSIG is not reachable from Node).
 *
 * Lines to the sentinel: `+PGID DEADLINE` (watch; DEADLINE `-` for none), `=PGID DEADLINE` (new
 * deadline), `-PGID` (forget). From it: `k PGID` (killed at its deadline). A deadline that has
 * passed stays passed: a later, larger one does not save the group.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SENTINEL = `
const now = () => Number(process.hrtime.bigint() / 1000000n);
const groups = new Map(); let buf = ''; let timer;
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const kill = (g) => { try { process.kill(-g, 'SIGKILL'); } catch {} };
const reap = () => { for (const g of groups.keys()) kill(g); process.exit(0); };
const check = () => {
  clearTimeout(timer); timer = undefined;
  const t = now(); let next = Infinity;
  for (const [g, d] of groups) {
    if (d <= t) { process.stdout.write('k ' + g + '\\n'); kill(g); groups.delete(g); }
    else if (d < next) next = d;
  }
  if (next < Infinity) timer = setTimeout(check, Math.max(1, next - t));
};
process.stdout.on('error', () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d; let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const [g, d] = line.slice(1).split(' ').map(Number);
    if (!Number.isInteger(g) || g <= 0) continue;
    const deadline = Number.isFinite(d) ? d : Infinity;
    if (line[0] === '+') groups.set(g, deadline);
    else if (line[0] === '=' && groups.has(g) && groups.get(g) > now()) groups.set(g, deadline);
    else if (line[0] === '-') groups.delete(g);
  }
  check();
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

export class OrphanReaper {
  private readonly proc: ChildProcess;
  private readonly expired = new Set<number>();
  private readonly listeners = new Map<number, () => void>();

  constructor() {
    this.proc = spawn(process.execPath, ['-e', SENTINEL], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
    this.proc.on('error', () => undefined);
    this.proc.stdin!.on('error', () => undefined);
    let buf = '';
    this.proc.stdout!.setEncoding('utf8');
    this.proc.stdout!.on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const pgid = Number(buf.slice(2, i));
        buf = buf.slice(i + 1);
        this.expired.add(pgid);
        this.listeners.get(pgid)?.();
      }
    });
    this.proc.unref();
    for (const s of [this.proc.stdin, this.proc.stdout]) (s as unknown as { unref?: () => void }).unref?.();
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /**
   * Kill this group if the agent dies, or once `deadlineMs` (monotonic, see lease-deadline.ts)
   * passes; `onExpired` is called when the sentinel killed it for its deadline.
   */
  watch(pgid: number, deadlineMs?: number, onExpired?: () => void): void {
    this.expired.delete(pgid);
    if (onExpired) this.listeners.set(pgid, onExpired);
    this.proc.stdin!.write(`+${pgid} ${deadlineMs ?? '-'}\n`);
  }

  /** A renewal was confirmed: the group may live until `deadlineMs`, unless its deadline has passed already. */
  extend(pgid: number, deadlineMs: number): void {
    this.proc.stdin!.write(`=${pgid} ${deadlineMs}\n`);
  }

  /** True when the sentinel killed this group for its deadline (as far as its messages have arrived). */
  killedAtDeadline(pgid: number): boolean {
    return this.expired.has(pgid);
  }

  forget(pgid: number): void {
    this.listeners.delete(pgid);
    this.expired.delete(pgid);
    this.proc.stdin!.write(`-${pgid}\n`);
  }

  /** The agent is exiting cleanly: the sentinel exits (killing any group still registered). */
  close(): void {
    this.proc.stdin!.end();
  }
}
