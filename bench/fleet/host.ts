/**
 * One process of the fleet: `count` real Agents (one slot each) or `count` bare BullMQ Workers
 * (concurrency 1, spawning the same command), started in the child process the bench forks.
 * Agents share one sentinel per process (worker/sentinel.ts), which starts their scripts; its
 * CPU is counted with the process's. Speaks to the bench over IPC: sends `ready` once every
 * instance runs; on `stop`, shuts them down and answers `stopped` with what it saw (warnings,
 * errors, bare jobs run).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_PREFIX } from '../../src/queue/run-job.js';
import { Agent } from '../../worker/agent.js';
import { sharedSentinelPid } from '../../worker/sentinel.js';

export type FleetSpec =
  | { kind: 'agent'; redisUrl: string; sweeps: string[]; cwd: string; heartbeatMs?: number }
  | { kind: 'bare'; redisUrl: string; queue: string; command: string[]; cwd: string };
/** What one host process starts. */
export type HostSpec = FleetSpec & { count: number };

export type HostMessage = { type: 'ready' } | { type: 'usage'; cpuMicros: number; systemMicros: number; sentinelMicros: number; rssBytes: number } | { type: 'stopped'; warnings: number; errors: number; firstProblem?: string };

const spec = JSON.parse(process.argv[2]!) as HostSpec;
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
let warnings = 0;
let errors = 0;
let firstProblem: string | undefined;
const log = {
  info: () => undefined,
  warn: (m: string) => {
    warnings++;
    firstProblem ??= m;
  },
  error: (m: string) => {
    errors++;
    firstProblem ??= m;
  },
};

/** Exec the command (no shell) and resolve when it exits; the bare pool's whole job. */
function runCommand(command: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, stdio: 'ignore', detached: true });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}

async function startAgents(s: Extract<HostSpec, { kind: 'agent' }>): Promise<() => Promise<void>> {
  const agents: Agent[] = [];
  for (let i = 0; i < s.count; i += 25) {
    const batch = Array.from({ length: Math.min(25, s.count - i) }, (_, k) => {
      const agent = new Agent({
        sweepId: s.sweeps[(i + k) % s.sweeps.length]!,
        redisUrl: s.redisUrl,
        slots: [{ name: 'cpu0', env: {} }],
        log,
        interpreter: 'python3',
        cwd: s.cwd,
        stay: true,
        maxFailures: 1e9,
        // A loaded box starting hundreds of agents at once: the first round trip may take a while.
        connectTimeoutMs: 120_000,
        ...(s.heartbeatMs ? { heartbeatMs: s.heartbeatMs } : {}),
      });
      agents.push(agent);
      return agent.start();
    });
    await Promise.all(batch);
  }
  return async () => {
    await Promise.all(agents.map((a) => a.shutdown('bench')));
  };
}

async function startBare(s: Extract<HostSpec, { kind: 'bare' }>): Promise<() => Promise<void>> {
  const workers: Worker[] = [];
  const connections: Redis[] = [];
  for (let i = 0; i < s.count; i++) {
    const connection = new Redis(s.redisUrl, { maxRetriesPerRequest: null });
    connections.push(connection);
    const worker = new Worker(
      s.queue,
      async () => {
        const startedAt = Date.now();
        await runCommand(s.command, s.cwd);
        return { startedAt };
      },
      // BullMQ's defaults otherwise (a plain pool): lockDuration 30 s, stalled check every 30 s, drainDelay 5 s.
      { connection, prefix: QUEUE_PREFIX, concurrency: 1 },
    );
    worker.on('error', (err) => log.warn(`bare worker: ${err.message}`));
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return async () => {
    await Promise.all(workers.map((w) => w.close()));
    for (const c of connections) c.disconnect();
  };
}

/** CPU µs of the agents' shared sentinel, which starts their scripts (its own, not the scripts'): part of the fleet's cost. */
function sentinelCpu(): { user: number; system: number } {
  const pid = sharedSentinelPid();
  if (pid === undefined) return { user: 0, system: 0 };
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [utime, stime] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, 13).map(Number);
    const tick = 1e6 / CLOCK_TICKS;
    return { user: utime! * tick, system: stime! * tick };
  } catch {
    return { user: 0, system: 0 };
  }
}

const stop = spec.kind === 'agent' ? await startAgents(spec) : await startBare(spec);
process.send!({ type: 'ready' } satisfies HostMessage);
process.on('message', (m: { type: string }) => {
  if (m.type === 'usage') {
    const cpu = process.cpuUsage();
    const sentinel = sentinelCpu();
    const sentinelMicros = sentinel.user + sentinel.system;
    process.send!({ type: 'usage', cpuMicros: cpu.user + cpu.system + sentinelMicros, systemMicros: cpu.system + sentinel.system, sentinelMicros, rssBytes: process.memoryUsage.rss() } satisfies HostMessage);
  }
  if (m.type !== 'stop') return;
  void stop().then(() => {
    process.send!({ type: 'stopped', warnings, errors, ...(firstProblem ? { firstProblem } : {}) } satisfies HostMessage, () => process.exit(0));
  });
});
