/** The bench's side of the fleet: fork host processes (bench/fleet/host.ts), wait until ready, stop them. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FleetSpec, HostMessage } from './host.js';

const HOST = fileURLToPath(new URL('./host.ts', import.meta.url));

/**
 * Node flags of every process the bench forks: tsx, and V8's CPU profiler when
 * HS_BENCH_CPU_PROF names a folder (one .cpuprofile per process, written as it exits; sampled every
 * 4 ms: at V8's default 1 ms the profiler itself inflated the fleet's CPU per run several-fold).
 */
export function forkExecArgv(): string[] {
  const dir = process.env.HS_BENCH_CPU_PROF;
  return ['--import', 'tsx', ...(dir ? ['--cpu-prof', '--cpu-prof-interval=4000', `--cpu-prof-dir=${dir}`] : [])];
}

export interface Fleet {
  processes: number;
  /** CPU µs the host processes (and their agents' sentinels) have used so far (the commands they spawn not included; of it in the kernel, of it the sentinels'), and the largest one's RSS now. */
  usage(): Promise<{ cpuMicros: number; systemMicros: number; sentinelMicros: number; maxRssBytes: number }>;
  stop(): Promise<{ warnings: number; errors: number; firstProblem?: string }>;
}

/** `total` instances spread over ceil(total / perProcess) processes. */
export async function startFleet(spec: FleetSpec, total: number, perProcess: number): Promise<Fleet> {
  const children: ChildProcess[] = [];
  const processes = Math.ceil(total / perProcess);
  const ready: Promise<void>[] = [];
  for (let i = 0; i < processes; i++) {
    const count = Math.floor(total / processes) + (i < total % processes ? 1 : 0);
    const child = fork(HOST, [JSON.stringify({ ...spec, count })], { execArgv: forkExecArgv(), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    ready.push(
      new Promise((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`fleet host exited with ${code} before it was ready`)));
        child.on('message', (m: HostMessage) => m.type === 'ready' && resolve());
      }),
    );
  }
  await Promise.all(ready);
  return {
    processes,
    async usage() {
      const each = await Promise.all(
        children.map(
          (child) =>
            new Promise<Extract<HostMessage, { type: 'usage' }>>((resolve) => {
              const on = (m: HostMessage) => {
                if (m.type !== 'usage') return;
                child.off('message', on);
                resolve(m);
              };
              child.on('message', on);
              child.send({ type: 'usage' });
            }),
        ),
      );
      return { cpuMicros: each.reduce((a, m) => a + m.cpuMicros, 0), systemMicros: each.reduce((a, m) => a + m.systemMicros, 0), sentinelMicros: each.reduce((a, m) => a + m.sentinelMicros, 0), maxRssBytes: Math.max(...each.map((m) => m.rssBytes)) };
    },
    async stop() {
      const reports = await Promise.all(
        children.map(
          (child) =>
            new Promise<Extract<HostMessage, { type: 'stopped' }>>((resolve) => {
              child.removeAllListeners('exit');
              child.on('message', (m: HostMessage) => m.type === 'stopped' && resolve(m));
              child.once('exit', () => resolve({ type: 'stopped', warnings: 0, errors: 1, firstProblem: 'host exited without a report' }));
              child.send({ type: 'stop' });
            }),
        ),
      );
      return {
        warnings: reports.reduce((s, r) => s + r.warnings, 0),
        errors: reports.reduce((s, r) => s + r.errors, 0),
        ...(reports.find((r) => r.firstProblem) ? { firstProblem: reports.find((r) => r.firstProblem)!.firstProblem } : {}),
      };
    },
  };
}
