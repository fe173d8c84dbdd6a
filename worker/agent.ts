/**
 * The agent: registers in Redis, pulls one sweep's runs from its BullMQ queue (one job per free
 * slot), executes each as a RunAttempt, heartbeats, listens for stop/cancel/wake, and shuts down
 * without leaving a process behind. Retries are decided by our lease, never by BullMQ's stall
 * recovery (maxStalledCount 0): every job is completed, whatever the run's outcome.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../src/store/redis-client.js';
import { connectRedis, replicasToWait } from '../src/store/connect-redis.js';
import { Worker, WaitingError, type Job } from 'bullmq';
import { QUEUE_PREFIX, runQueueName, type RunJob } from '../src/queue/run-job.js';
import { AgentSession } from '../src/store/agent-session.js';
import { redactRedisUrl } from '../src/store/redis-url.js';
import { subscribeAgentSignals, type AgentSignal } from '../src/store/sweep-signals.js';
import { HypersweepError, NotFoundError } from '../src/errors.js';
import type { AttemptOutcome } from '../src/store/run-events.js';
import type { AgentLog } from './agent-log.js';
import type { Slot } from './gpu-slots.js';
import { ClaimGate } from './claim-gate.js';
import { provenanceWritten } from './attempt-provenance.js';
import { useSentinel, type SharedSentinel } from './sentinel.js';
import { RunAttempt, type AttemptResult } from './run-attempt.js';
import { attemptRoot } from './attempt-files.js';

/** The agent's heartbeat period by default (AgentOptions.heartbeatMs). */
export const HEARTBEAT_MS = 5000;

export interface AgentOptions {
  sweepId: string;
  /** redis:// or rediss:// (TLS), or a Sentinel URL (src/store/connect-redis.ts). */
  redisUrl: string;
  slots: Slot[];
  log: AgentLog;
  /** What `${interpreter}` becomes. */
  interpreter: string;
  /** Run at most this many runs, then exit. Unset: no limit. */
  count?: number;
  /** Stop after this many consecutive failed runs (failed, error, timeout). @defaultValue 5 */
  maxFailures?: number;
  /** Lease TTL of an attempt. @defaultValue 15000 */
  leaseMs?: number;
  /** SIGTERM → SIGKILL delay. @defaultValue 30 */
  graceSec?: number;
  /** Keep running when the sweep is finished or canceled. @defaultValue false */
  stay?: boolean;
  /**
   * How often the agent reads its sweep's state and its runs' stop requests, and refreshes its
   * presence: the fallback for a lost pub/sub message (stops and sweep changes arrive by pub/sub
   * at once, and stops also ride on every lease renewal). W&B's agent polls every 5 s too; at 1 s,
   * 1,000 idle agents were 1,000 heartbeats a second (bench/fleet.ts). @defaultValue 5000
   */
  heartbeatMs?: number;
  /** Working directory of the scripts. @defaultValue process.cwd() */
  cwd?: string;
  /** Environment of the scripts and of `${envvar:…}`. @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Start the scripts from a sentinel process (worker/sentinel.ts; one for every agent of this
   * process) that kills them if this process dies or is frozen past their lease. Off: the agent
   * starts them itself and nothing reaps them if it dies. @defaultValue true
   */
  reapOrphans?: boolean;
  /** How long start() waits for Redis before giving up. @defaultValue 10000 */
  connectTimeoutMs?: number;
  /** Called after each attempt (benchmarks, tests). */
  onAttempt?: (attempt: RunAttempt, result: AttemptResult) => void;
}

const FAILURES: ReadonlySet<AttemptOutcome> = new Set(['failed', 'error', 'timeout']);

/** The one redaction of a Redis URL (src/store/redis-url.ts), under the name the agent exported first. */
export { redactRedisUrl as redactUrl } from '../src/store/redis-url.js';

export function newAgentId(): string {
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40) || 'host';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The CLIENT SETNAME of an agent's own connections (BullMQ names the blocking one `<prefix>:<queue>:w:<agentId>`). */
export function agentConnectionName(agentId: string, role: 'cmd' | 'sub'): string {
  return `hs-agent:${agentId}:${role}`;
}

export class Agent {
  readonly id = newAgentId();
  private readonly redis: RedisClient;
  private readonly claimGate: ClaimGate;
  private readonly session: AgentSession;
  private readonly sub: RedisClient;
  private worker: Worker | undefined;
  private readonly free: Slot[];
  private readonly active = new Map<string, RunAttempt>();
  private heartbeat: NodeJS.Timeout | undefined;
  private sentinel: SharedSentinel | undefined;
  private claimed = 0;
  private consecutiveFailures = 0;
  private closing: Promise<void> | undefined;
  private resolveDone!: (code: number) => void;
  /** Resolves with the exit code once the agent has stopped. */
  readonly done = new Promise<number>((r) => (this.resolveDone = r));
  private exitCode = 0;
  private readonly leaseMs: number;
  private readonly env: NodeJS.ProcessEnv;
  /** Where attempts' directories are made (worker/attempt-files.ts). */
  private readonly attemptRoot: string;

  constructor(private readonly o: AgentOptions) {
    // Three connections whatever the slot count (CLIENT LIST names them after the agent): commands
    // (shared with the BullMQ worker), the subscriber, and the worker's one blocking connection.
    const redisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true } as const;
    this.redis = connectRedis(o.redisUrl, { ...redisOptions, connectionName: agentConnectionName(this.id, 'cmd') });
    this.sub = connectRedis(o.redisUrl, { ...redisOptions, connectionName: agentConnectionName(this.id, 'sub') });
    for (const c of [this.redis, this.sub]) {
      c.on('error', (err) => this.warnThrottled(`redis: ${err.message}`));
      c.on('ready', () => {
        if (this.warned.size > 0 && c === this.redis) this.o.log.info('redis: connected again');
        this.warned.clear();
        // Back after an outage: show up at once (presence, the sweep's state, our runs' stops), not a heartbeat later.
        if (c === this.redis && this.heartbeat && !this.closing) void this.beat();
      });
    }
    this.session = new AgentSession(this.redis, this.id, o.sweepId);
    this.free = [...o.slots];
    this.leaseMs = o.leaseMs ?? 15_000;
    this.claimGate = new ClaimGate(this.redis, this.leaseMs, replicasToWait(o.redisUrl));
    // A plain copy: spreading process.env into every attempt's environment is a native call per variable.
    this.env = { ...(o.env ?? process.env) };
    this.attemptRoot = attemptRoot(this.env);
  }

  private readonly warned = new Map<string, number>();

  /** A warning that repeats (Redis away: every reconnect attempt fails) is logged once per 30 s. */
  private warnThrottled(message: string): void {
    const now = Date.now();
    if (now - (this.warned.get(message) ?? 0) < 30_000) return;
    this.warned.set(message, now);
    this.o.log.warn(message);
  }

  /** Runs currently executing, by run id. */
  get attempts(): ReadonlyMap<string, RunAttempt> {
    return this.active;
  }

  async start(): Promise<void> {
    const { sweepId, log } = this.o;
    const waitMs = this.o.connectTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const exists = await Promise.race([
      this.session.sweepExists(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new HypersweepError('REDIS_UNAVAILABLE', `cannot reach Redis at ${redactRedisUrl(this.o.redisUrl)} within ${waitMs / 1000} s`)), waitMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!exists) throw new NotFoundError(`sweep ${sweepId}`);
    if (this.o.reapOrphans !== false) this.sentinel = useSentinel();
    await this.session.register({ host: hostname(), pid: process.pid, slots: this.o.slots.map((s) => s.name) });
    await subscribeAgentSignals(
      this.sub,
      this.id,
      (signal) => this.onSignal(signal),
      (text, why) => this.o.log.warn(`ignored signal (${why}): ${text.slice(0, 80)}`),
    );
    // One Worker with concurrency = slots: one blocking connection (BullMQ duplicates ours for
    // it), its other commands on our command connection (shared: worker.close() leaves it open).
    this.worker = new Worker<RunJob>(runQueueName(sweepId), (job, token) => this.process(job, token), {
      connection: this.redis,
      name: this.id,
      prefix: QUEUE_PREFIX,
      concurrency: this.o.slots.length,
      // An idle worker blocks on the queue's marker up to this long, then looks itself (a Lua
      // script of ~8 commands): BullMQ's 5 s made 1.6 Redis commands/s per idle agent, 30 s makes
      // 0.27. A new job wakes it at once either way (its marker ends the block).
      drainDelay: 30,
      maxStalledCount: 0,
      autorun: false,
    });
    this.worker.on('error', (err) => this.warnThrottled(`queue: ${err.message}`));
    void this.worker.run().catch((err) => log.error(`queue worker stopped: ${(err as Error).message}`));
    this.heartbeat = setInterval(() => void this.beat(), this.o.heartbeatMs ?? HEARTBEAT_MS);
    log.info(`agent ${this.id}: sweep ${sweepId}, slots ${this.o.slots.map((s) => s.name).join(',')}, interpreter ${this.o.interpreter}`);
  }

  private busy(): Record<string, string> {
    const busy: Record<string, string> = {};
    for (const a of this.active.values()) busy[a.slot.name] = a.job.runId;
    return busy;
  }

  private state(): string {
    return this.closing ? 'stopping' : this.active.size > 0 ? 'busy' : 'idle';
  }

  /** Heartbeat: lastSeen and busy slots; the sweep's state; stop requests of our runs (besides pub/sub and renewLease). */
  private beating = false;

  private async beat(): Promise<void> {
    if (this.beating) return; // Redis slow or away: do not pile heartbeats up
    this.beating = true;
    try {
      await this.beatOnce();
    } finally {
      this.beating = false;
    }
  }

  private async beatOnce(): Promise<void> {
    try {
      const { sweepState, stops } = await this.session.beat({ busy: this.busy(), state: this.state() }, [...this.active.keys()]);
      for (const [runId, stop] of stops) this.active.get(runId)?.kill(stop);
      if (!this.o.stay && sweepState && !this.closing) this.followSweep(sweepState);
    } catch (err) {
      this.o.log.warn(`heartbeat failed: ${(err as Error).message}`);
    }
  }

  /** The sweep ended: canceled kills the runs and exits; finished exits after the current runs. */
  private followSweep(sweepState: string): void {
    if (sweepState === 'canceled') {
      this.o.log.info(`sweep ${this.o.sweepId} is ${sweepState}: killing runs and exiting`);
      for (const a of this.active.values()) a.kill('cancel');
      void this.shutdown('sweep canceled');
    } else if (sweepState === 'finished') {
      this.o.log.info(`sweep ${this.o.sweepId} is ${sweepState}: exiting after current runs`);
      void this.shutdown('sweep finished');
    }
  }

  /** A message on the agent's channel (src/store/sweep-signals.ts). */
  private onSignal(signal: AgentSignal): void {
    if (signal.type === 'wake') {
      void this.beat();
      return;
    }
    const targets = signal.runId !== undefined ? [this.active.get(signal.runId)] : [...this.active.values()];
    for (const a of targets) a?.kill(signal.type);
  }

  private async giveBack(job: Job<RunJob>, token: string | undefined): Promise<never> {
    await job.moveToWait(token);
    throw new WaitingError();
  }

  private async process(job: Job<RunJob>, token: string | undefined): Promise<unknown> {
    const data = job.data;
    if (this.closing || (this.o.count !== undefined && this.claimed >= this.o.count)) return await this.giveBack(job, token);
    const slot = this.free.shift();
    if (!slot) return await this.giveBack(job, token);
    if (!data || typeof data.runId !== 'string' || typeof data.token !== 'string' || !Number.isInteger(data.attempt) || data.sweepId !== this.o.sweepId) {
      this.free.push(slot);
      this.o.log.warn(`job ${job.id}: not a run of sweep ${this.o.sweepId}: skipped`);
      return { skipped: 'malformed' };
    }
    this.claimed++;
    const attempt = new RunAttempt(data, slot, {
      redis: this.redis,
      agentId: this.id,
      host: hostname(),
      log: this.o.log,
      leaseMs: this.leaseMs,
      graceMs: (this.o.graceSec ?? 30) * 1000,
      interpreter: this.o.interpreter,
      cwd: this.o.cwd ?? process.cwd(),
      env: this.env,
      attemptRoot: this.attemptRoot,
      sentinel: this.sentinel?.current,
      replicas: replicasToWait(this.o.redisUrl),
      claimGate: this.claimGate,
    });
    this.active.set(data.runId, attempt);
    void this.session.slotChanged({ busy: this.busy(), state: this.state() }).catch(() => undefined);
    try {
      const result = await attempt.run();
      if (typeof result === 'string') {
        this.claimed--;
        this.o.log.info(`run ${data.runId}#${data.attempt}: ${result === 'stale' ? 'stale job (run moved on)' : 'held by another agent'}: skipped`);
        return { skipped: result };
      }
      this.o.onAttempt?.(attempt, result);
      this.afterRun(result);
      return { outcome: result.outcome };
    } finally {
      this.active.delete(data.runId);
      this.free.push(slot);
      this.free.sort((a, b) => this.o.slots.indexOf(a) - this.o.slots.indexOf(b));
      void this.session.slotChanged({ busy: this.busy(), state: this.state() }).catch(() => undefined);
    }
  }

  private afterRun(result: AttemptResult): void {
    if (FAILURES.has(result.outcome)) this.consecutiveFailures++;
    else if (result.outcome === 'finished') this.consecutiveFailures = 0;
    const max = this.o.maxFailures ?? 5;
    if (this.consecutiveFailures >= max && !this.closing) {
      this.exitCode = 1;
      this.o.log.error(`${this.consecutiveFailures} runs in a row failed (--max-failures ${max}): the command or the box is likely broken; exiting`);
      void this.shutdown('failure budget');
    } else if (this.o.count !== undefined && this.claimed >= this.o.count && !this.closing) {
      this.o.log.info(`ran ${this.claimed} run(s) (--count ${this.o.count}): exiting after current runs`);
      void this.shutdown('count');
    }
  }

  /** The first SIGTERM/SIGINT: take no new runs, SIGTERM the scripts (their runs end `preempted`), exit when they have. */
  preempt(): Promise<void> {
    this.o.log.info(`signal: taking no new runs; SIGTERM to ${this.active.size} run(s) (again to kill)`);
    for (const a of this.active.values()) a.kill('preempt');
    return this.shutdown('signal');
  }

  /** The second signal: SIGKILL every script now. */
  killAll(): void {
    this.o.log.warn(`second signal: SIGKILL to ${this.active.size} run(s)`);
    for (const a of this.active.values()) a.killNow();
  }

  /** start() failed: disconnect without touching Redis. */
  abort(): void {
    this.sentinel?.release();
    this.sub.disconnect();
    this.redis.disconnect();
  }

  /** Stop taking runs, wait for the current ones, deregister, disconnect. Idempotent. */
  shutdown(why: string): Promise<void> {
    this.closing ??= (async () => {
      await this.worker?.close().catch(() => undefined);
      if (this.heartbeat) clearInterval(this.heartbeat);
      await provenanceWritten();
      const deregister = this.session.deregister();
      // Redis away: do not wait for it; the agent's lastSeen ages out.
      await Promise.race([deregister.catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
      this.sentinel?.release();
      this.sub.disconnect();
      this.redis.disconnect();
      this.o.log.info(`agent ${this.id}: exited (${why})`);
      this.resolveDone(this.exitCode);
    })();
    return this.closing;
  }
}
