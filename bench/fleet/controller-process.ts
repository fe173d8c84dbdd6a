/** Fork the controller under test (bench/fleet/controller-host.ts) and ask it for its usage. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ControllerUsage } from './controller-host.js';
import { forkExecArgv } from './hosts.js';

const HOST = fileURLToPath(new URL('./controller-host.ts', import.meta.url));

export class ControllerProcess {
  private constructor(private readonly child: ChildProcess) {}

  static async start(redisUrl: string): Promise<ControllerProcess> {
    const child = fork(HOST, [redisUrl], { execArgv: forkExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`controller exited with ${code}`)));
      child.on('message', (m: { type: string }) => m.type === 'ready' && resolve());
    });
    child.removeAllListeners('exit');
    return new ControllerProcess(child);
  }

  usage(): Promise<ControllerUsage> {
    return new Promise((resolve) => {
      const on = (m: { type: string }) => {
        if (m.type !== 'usage') return;
        this.child.off('message', on);
        resolve(m as ControllerUsage);
      };
      this.child.on('message', on);
      this.child.send({ type: 'usage' });
    });
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send({ type: 'stop' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    this.child.kill('SIGKILL');
  }
}
