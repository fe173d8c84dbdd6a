/**
 * A small sentinel process that outlives a killed agent by a moment: the agent tells it (through
 * a pipe) which process groups it runs; when the pipe closes without a goodbye, because the agent
 * died, even by SIGKILL, it SIGKILLs those groups. This is how a dead agent leaves no training
 * process behind (Linux's PR_SET_PDEATHSIG is not reachable from Node).
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SENTINEL = `
const groups = new Set(); let buf = '';
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
const reap = () => { for (const g of groups) { try { process.kill(-g, 'SIGKILL'); } catch {} } process.exit(0); };
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d; let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const g = Number(line.slice(1));
    if (line[0] === '+') groups.add(g); else if (line[0] === '-') groups.delete(g);
  }
});
process.stdin.on('end', reap);
process.stdin.on('error', reap);
`;

export class OrphanReaper {
  private readonly proc: ChildProcess;

  constructor() {
    this.proc = spawn(process.execPath, ['-e', SENTINEL], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    this.proc.on('error', () => undefined);
    this.proc.stdin!.on('error', () => undefined);
    this.proc.unref();
    (this.proc.stdin as unknown as { unref?: () => void }).unref?.();
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Kill this group if the agent dies. */
  watch(pgid: number): void {
    this.proc.stdin!.write(`+${pgid}\n`);
  }

  forget(pgid: number): void {
    this.proc.stdin!.write(`-${pgid}\n`);
  }

  /** The agent is exiting cleanly: the sentinel exits (killing any group still registered). */
  close(): void {
    this.proc.stdin!.end();
  }
}
