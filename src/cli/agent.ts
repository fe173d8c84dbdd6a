/**
 * `hypersweep agent SWEEP_ID`: run a sweep's runs on this box, one per GPU or as the sweep's
 * gpus_per_run says (worker/agent.ts, worker/slot-plan.ts).
 * SIGTERM/SIGINT/SIGHUP once: take no new runs, SIGTERM the scripts, report them preempted, exit.
 * Twice: SIGKILL them and exit at once.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { getSweepConfig } from '../store/sweep-store.js';
import { connectRedis } from '../store/connect-redis.js';
import { unauthenticatedRedisWarning } from '../store/redis-trust.js';
import { Agent } from '../../worker/agent.js';
import { MAX_GRACE_SEC, MAX_LEASE_MS, MIN_LEASE_MS } from '../../worker/timer-bounds.js';
import { createAgentLog } from '../../worker/agent-log.js';
import { parseGpuList, queryGpus } from '../../worker/gpu-slots.js';
import { planSlots } from '../../worker/slot-plan.js';

function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
    return n;
  };
}

function gpuList(value: string): string[] {
  try {
    return parseGpuList(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** `python3` when it is on PATH, else `python`, else `python3` (the run then fails with a clear message). */
export function defaultInterpreter(path = process.env.PATH ?? ''): string {
  for (const name of ['python3', 'python']) {
    for (const dir of path.split(delimiter)) {
      if (!dir) continue;
      try {
        accessSync(join(dir, name), constants.X_OK);
        return name;
      } catch {
        // not here
      }
    }
  }
  return 'python3';
}

/**
 * The sweep's gpus_per_run, read once before slots are planned; undefined when it is unset or the
 * sweep cannot be read within `timeoutMs` (Agent.start then says why it cannot start).
 */
async function readGpusPerRun(redisUrl: string, sweepId: string, timeoutMs = 10_000): Promise<number | undefined> {
  const redis = connectRedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: timeoutMs, retryStrategy: () => null });
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const config = await Promise.race([getSweepConfig(redis, sweepId), new Promise<undefined>((r) => (timer = setTimeout(r, timeoutMs, undefined)))]);
    return config?.execution?.gpus_per_run;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

interface AgentCliOptions {
  redis: string;
  gpus?: string[];
  slots?: number;
  count?: number;
  maxFailures: number;
  leaseMs: number;
  graceSec: number;
  interpreter?: string;
  stay: boolean;
  preemptExitCode: number;
}

export function register(program: Command): void {
  program
    .command('agent')
    .description("run a sweep's runs on this machine: one run per GPU (or one CPU slot), metrics streamed to the controller")
    .argument('<sweep-id>', 'the sweep to pull runs from')
    .option('--redis <url>', 'Redis URL: redis://, rediss:// (TLS), redis-sentinel://host1,host2,host3/primaryName (Sentinel), redis-cluster://host1:port1,host2:port2 (Redis Cluster; default $REDIS_URL, else redis://127.0.0.1:6379)', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    .option('--gpus <list>', 'use these GPUs only: indices (0,1,3) or UUIDs (default: every GPU nvidia-smi lists, or those CUDA_VISIBLE_DEVICES grants)', gpuList)
    .option('--slots <n>', 'run N runs at once without GPU assignment (no nvidia-smi)', positiveInt('--slots'))
    .option('--count <n>', 'run at most N runs, then exit', positiveInt('--count'))
    .option('--max-failures <k>', 'exit after K failed runs in a row', positiveInt('--max-failures'), 5)
    .option('--lease-ms <ms>', `lease of a running attempt; a dead agent is noticed within it (${MIN_LEASE_MS} to ${MAX_LEASE_MS})`, (v) => {
      const n = positiveInt('--lease-ms')(v);
      if (n < MIN_LEASE_MS || n > MAX_LEASE_MS) throw new InvalidArgumentError(`--lease-ms must be from ${MIN_LEASE_MS} to ${MAX_LEASE_MS} (one day)`);
      return n;
    }, 15_000)
    .option('--grace-sec <s>', `seconds between SIGTERM and SIGKILL when a run is stopped (0 to ${MAX_GRACE_SEC})`, (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || n > MAX_GRACE_SEC) throw new InvalidArgumentError(`--grace-sec must be a number from 0 to ${MAX_GRACE_SEC} (one day)`);
      return n;
    }, 30)
    .option('--interpreter <cmd>', 'what ${interpreter} becomes (default python3, else python)')
    .option('--stay', 'keep running when the sweep is finished or canceled', false)
    .option('--preempt-exit-code <n>', 'exit code after a SIGTERM/SIGINT stopped the agent (its runs preempted); the Kubernetes Job uses 143 so an evicted agent is replaced', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 255) throw new InvalidArgumentError('--preempt-exit-code must be a whole number from 0 to 255');
      return n;
    }, 0)
    .action(async (sweepId: string, opts: AgentCliOptions) => {
      const log = createAgentLog();
      const redisWarning = unauthenticatedRedisWarning(opts.redis);
      if (redisWarning) log.warn(redisWarning);
      if (opts.gpus && opts.slots !== undefined) throw new InvalidArgumentError('give --gpus or --slots, not both');
      const detected = opts.slots === undefined ? await queryGpus() : { gpus: [] };
      if ('problem' in detected && detected.problem) log.info(`${detected.problem}: no GPU`);
      const gpusPerRun = await readGpusPerRun(opts.redis, sweepId);
      const { slots, note, idle, refusal } = planSlots({ gpus: opts.gpus, slots: opts.slots, visibleDevices: process.env.CUDA_VISIBLE_DEVICES, gpusPerRun }, detected.gpus);
      log.info(`slots: ${note}`);
      for (const line of idle) log.info(line);
      if (refusal) {
        // Said once; the queue is not touched, so no job is taken, given back or failed.
        log.error(`sweep ${sweepId}: ${refusal}`);
        process.exitCode = 1;
        return;
      }
      const agent = new Agent({
        sweepId,
        redisUrl: opts.redis,
        slots,
        log,
        interpreter: opts.interpreter ?? defaultInterpreter(),
        count: opts.count,
        maxFailures: opts.maxFailures,
        leaseMs: opts.leaseMs,
        graceSec: opts.graceSec,
        stay: opts.stay,
      });
      let signals = 0;
      const onSignal = (sig: NodeJS.Signals) => {
        signals++;
        if (signals === 1) {
          log.info(`${sig}: stopping`);
          void agent.preempt();
        } else {
          agent.killAll();
          process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
        }
      };
      for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, onSignal);
      try {
        await agent.start();
      } catch (err) {
        agent.abort();
        throw err;
      }
      const code = await agent.done;
      process.exitCode = code === 0 && signals > 0 ? opts.preemptExitCode : code;
      for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(sig, onSignal);
    });
}
