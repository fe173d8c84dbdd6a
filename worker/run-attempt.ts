/**
 * One attempt of one run on one slot, from claim to finished event (src/store/attempt-lease.ts),
 * in steps: claim (the attempt's files made first), open the channels (metrics
 * stream, lease keeper, output publisher, metrics file tail), build the command, start the
 * script in its own process group, supervise it (output, metric lines, timeout, stop requests)
 * until it exits, classify how it ended (attempt-outcome.ts), report it, remove its files.
 * Nothing the script does can block the lease.
 */
import { setLongTimeout, type LongTimeout } from './timer-bounds.js';
import type { RedisClient } from '../src/store/redis-client.js';
import type { RunJob } from '../src/queue/run-job.js';
import type { HistoryRow } from '../src/run-record.js';
import { claimAttempt, finishAttempt, reportEvent, type ClaimResult, type LeaseHolder } from '../src/store/attempt-lease.js';
import { waitForReplicas } from '../src/store/replica-ack.js';
import type { AgentLog } from './agent-log.js';
import type { ClaimGate } from './claim-gate.js';
import { attemptEnv } from './attempt-env.js';
import { prepareAttemptFiles, removeAttemptFiles, type AttemptFiles } from './attempt-files.js';
import { errorOutcome, exitOutcome, notStartedOutcome, type AttemptResult, type KillReason } from './attempt-outcome.js';
import { CommandError, expandCommand } from './command-macros.js';
import { LineSplitter, parseKatibLine, parseMetricJson, STDOUT_PREFIX, type MetricRecord } from './metric-lines.js';
import { monotonicMs } from './lease-deadline.js';
import { LeaseKeeper } from './lease-keeper.js';
import { MetricStream } from './metric-stream.js';
import { MetricsFileTail } from './metrics-file-tail.js';
import type { Sentinel } from './sentinel.js';
import { OutputPublisher } from './output-publisher.js';
import { OutputTail } from './output-tail.js';
import type { Slot } from './gpu-slots.js';
import { spawnGroup, type ProcessGroup } from './process-group.js';
import { addWandbEnv } from './wandb-env.js';
import { recordAttemptProvenance } from './attempt-provenance.js';

export type { AttemptResult, KillReason } from './attempt-outcome.js';
export { safeName } from './attempt-files.js';

export interface AttemptSettings {
  redis: RedisClient;
  agentId: string;
  host: string;
  log: AgentLog;
  /** Lease TTL; renewed every leaseMs / 4; the script dies by leaseMs − leaseMs / 5 after the last confirmed renewal was sent. */
  leaseMs: number;
  /** SIGTERM → SIGKILL delay for stop, timeout and preempt. */
  graceMs: number;
  interpreter: string;
  /** Working directory of the script (the agent's cwd). */
  cwd: string;
  /** The agent's environment, inherited by the script. */
  env: NodeJS.ProcessEnv;
  /** Where the attempt's directory is made (attemptRoot in worker/attempt-files.ts). */
  attemptRoot: string;
  sentinel?: Sentinel;
  /** Holds claims back while Redis has been up for less than a lease (worker/claim-gate.ts). */
  claimGate?: ClaimGate;
  /** Replicas that must hold the claim, each renewal, each metrics batch and the finished event before they count (WAIT; Sentinel URLs). @defaultValue 0 */
  replicas?: number;
  /** How often the output tail is published (publishRunOutput). @defaultValue 2000 */
  outputEveryMs?: number;
  /** Metrics batching window. @defaultValue 150 */
  metricsBatchMs?: number;
}


const MAX_WARNINGS = 5;

/** What an attempt has open while its script runs; closed by wrapUp. */
interface Channels {
  files: AttemptFiles;
  metrics: MetricStream;
  lease: LeaseKeeper;
  output: OutputPublisher;
  fileTail: MetricsFileTail;
}

export class RunAttempt {
  readonly holder: LeaseHolder;
  private reason: KillReason | undefined;
  private group: ProcessGroup | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: LongTimeout | undefined;
  private readonly output = new OutputTail();
  private warnings = 0;
  private skipped = 0;
  /** Set when the script has been started; for tests and `busy`. */
  childPid: number | undefined;

  constructor(
    readonly job: RunJob,
    readonly slot: Slot,
    private readonly s: AttemptSettings,
  ) {
    this.holder = { sweepId: job.sweepId, runId: job.runId, attempt: job.attempt, token: job.token, agentId: s.agentId, slot: slot.name };
  }

  private get label(): string {
    return `run ${this.job.runId}#${this.job.attempt} [${this.slot.name}]`;
  }

  /**
   * Ends the script for `reason`: SIGTERM then SIGKILL after the grace period; `cancel` and
   * `lost` SIGKILL at once. Before the script started, it keeps it from starting.
   */
  kill(reason: KillReason): void {
    const escalate = reason === 'cancel' || reason === 'lost';
    if (this.reason && !escalate) return;
    if (this.reason === reason) return;
    this.reason = reason;
    if (!this.group) return;
    if (escalate) {
      this.s.log.info(`${this.label}: ${reason === 'lost' ? 'lease lost' : 'cancel'}: SIGKILL`);
      this.group.signal('SIGKILL');
      return;
    }
    this.s.log.info(`${this.label}: ${reason}: SIGTERM (SIGKILL in ${Math.round(this.s.graceMs / 1000)} s)`);
    this.group.signal('SIGTERM');
    this.killTimer ??= setTimeout(() => {
      if (this.group?.signal('SIGKILL')) this.s.log.warn(`${this.label}: still running ${Math.round(this.s.graceMs / 1000)} s after SIGTERM: SIGKILL`);
    }, this.s.graceMs);
  }

  /** SIGKILL now, whatever the reason so far (the agent's second signal). */
  killNow(): void {
    this.reason ??= 'preempt';
    this.group?.signal('SIGKILL');
  }

  private warn(message: string): void {
    this.skipped++;
    if (this.warnings++ < MAX_WARNINGS) this.s.log.warn(`${this.label}: ${message}`);
  }

  /** Claim the attempt and execute it. `stale`/`taken`: nothing was run. */
  async run(): Promise<AttemptResult | Exclude<ClaimResult, 'ok'>> {
    const t0 = performance.now();
    const claimed = await this.claim();
    if (typeof claimed === 'string') return claimed;
    const channels = this.open(claimed.files, claimed.claimSentAt);
    // A claim only the primary holds may vanish in a failover and the run be claimed again: no start before a replica has it.
    if (!(await this.replicated('claim'))) this.kill('lost');
    let result: AttemptResult;
    try {
      result = await this.execute(channels, t0);
    } catch (err) {
      channels.lease.stop();
      throw err;
    } finally {
      channels.output.stop();
      this.timeoutTimer?.clear();
      if (this.killTimer) clearTimeout(this.killTimer);
    }
    return await this.wrapUp(result, channels);
  }

  /** How long a deciding write may wait for its replicas. */
  private get replicaWaitMs(): number {
    return Math.max(50, Math.min(1000, this.s.leaseMs / 8));
  }

  /** True once the replicas the settings ask for hold every write so far of this connection (WAIT); logs when not. */
  private async replicated(what: string): Promise<boolean> {
    const replicas = this.s.replicas ?? 0;
    const ok = await waitForReplicas(this.s.redis, replicas, this.replicaWaitMs).catch(() => false);
    if (!ok) this.s.log.warn(`${this.label}: ${what} not acknowledged by ${replicas} replica(s) within ${this.replicaWaitMs} ms`);
    return ok;
  }

  /** Claim the lease once the attempt's files are made (they are removed if the claim is refused or fails). */
  private async claim(): Promise<{ files: AttemptFiles; claimSentAt: number } | Exclude<ClaimResult, 'ok'>> {
    await this.s.claimGate?.open();
    const files = prepareAttemptFiles(this.s.attemptRoot, this.job);
    const claimSentAt = monotonicMs();
    const claim = await claimAttempt(this.s.redis, this.holder, this.s.leaseMs, { host: this.s.host, pid: process.pid, at: Date.now() }).catch((err: unknown) => {
      removeAttemptFiles(files);
      throw err;
    });
    if (claim === 'ok') return { files, claimSentAt };
    removeAttemptFiles(files);
    return claim;
  }

  /** Metrics stream, lease keeper (renewed from our own event loop, its deadline also held by the sentinel; a stop request rides on the answer), output publisher, metrics file tail. */
  private open(files: AttemptFiles, claimSentAt: number): Channels {
    const { redis } = this.s;
    const metrics = new MetricStream({
      batchMs: this.s.metricsBatchMs,
      send: async (seq, rows: HistoryRow[]) => {
        await reportEvent(redis, this.job.sweepId, { type: 'metrics', runId: this.job.runId, attempt: this.job.attempt, token: this.job.token, seq, rows });
        if (!(await this.replicated(`metrics batch ${seq}`))) throw new Error('not replicated');
      },
      onError: (err) => this.s.log.warn(`${this.label}: metrics batch not sent (sending it again): ${(err as Error).message}`),
    });
    const lease = new LeaseKeeper({
      redis,
      holder: this.holder,
      leaseMs: this.s.leaseMs,
      claimSentAt,
      sentinel: this.s.sentinel,
      onLost: () => this.kill('lost'),
      onStop: (kind) => this.kill(kind),
      warn: (message) => this.s.log.warn(`${this.label}: ${message}`),
      replicas: this.s.replicas ?? 0,
      replicaWaitMs: this.replicaWaitMs,
    });
    lease.start();
    const output = new OutputPublisher(redis, this.job.sweepId, this.job.runId, this.job.token, this.output, this.s.outputEveryMs ?? 2000);
    const fileTail = new MetricsFileTail(files.metricsFile, (line) => {
      if (line.trim() === '') return;
      const parsed = parseMetricJson(line);
      if (parsed.ok) metrics.push(parsed.record);
      else this.warn(`skipped metrics file line (${parsed.problem}): ${line.slice(0, 80)}`);
    });
    return { files, metrics, lease, output, fileTail };
  }

  /** Build the command, start the script, supervise it: how the attempt ended. */
  private async execute(c: Channels, t0: number): Promise<AttemptResult> {
    const argv = this.command(c.files);
    if (argv instanceof CommandError) return this.commandFailed(argv);
    if (this.reason) return notStartedOutcome(this.reason);
    const env = attemptEnv(this.s.env, this.slot, this.job, c.files);
    await addWandbEnv(env, { job: this.job, dir: c.files.dir, argv, interpreter: this.s.interpreter, cwd: this.s.cwd });
    c.fileTail.start();
    const group = await this.spawn(argv, env);
    if (group instanceof CommandError) return this.commandFailed(group);
    const startLatencyMs = performance.now() - t0;
    recordAttemptProvenance({ redis: this.s.redis, job: this.job, argv, cwd: this.s.cwd, env, agentEnv: this.s.env, interpreter: this.s.interpreter, filesDir: c.files.dir, warn: (m) => this.s.log.warn(`${this.label}: ${m}`) });
    c.lease.attach(group.pid);
    this.s.log.info(`${this.label}: started pid ${group.pid}: ${argv.join(' ').slice(0, 200)}`);
    const early = this.reason;
    if (early) {
      this.reason = undefined;
      this.kill(early);
    }
    return { ...(await this.supervise(group, c)), startLatencyMs };
  }

  private command(files: AttemptFiles): string[] | CommandError {
    try {
      return expandCommand(this.job.command, { config: this.job.config, floats: this.job.floats ?? [], program: this.job.program, interpreter: this.s.interpreter, paramsFile: files.paramsFile, env: this.s.env, numGpus: this.slot.gpus?.length ?? 0 });
    } catch (err) {
      return err instanceof CommandError ? err : new CommandError(`cannot build the command: ${(err as Error).message}`);
    }
  }

  private async spawn(argv: string[], env: NodeJS.ProcessEnv): Promise<ProcessGroup | CommandError> {
    try {
      const options = { cwd: this.s.cwd, env };
      this.group = this.s.sentinel ? await this.s.sentinel.spawn(argv, options) : await spawnGroup(argv, options);
      this.childPid = this.group.pid;
      return this.group;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return new CommandError(`cannot start ${JSON.stringify(argv[0])}: ${e.code ?? e.message}${e.code === 'ENOENT' ? ' (not found on PATH)' : ''}`);
    }
  }

  private commandFailed(err: CommandError): AttemptResult {
    this.s.log.error(`${this.label}: ${err.message}`);
    this.output.push(`hypersweep: ${err.message}\n`);
    return errorOutcome(err.message);
  }

  /** Capture output and metric lines, enforce the timeout, wait for the exit and classify it. */
  private async supervise(group: ProcessGroup, c: Channels): Promise<AttemptResult> {
    const stdoutLines = new LineSplitter((line) => this.stdoutLine(line, c));
    const stdoutDone = new Promise<void>((r) => group.stdout.once('close', r));
    const stderrDone = new Promise<void>((r) => group.stderr.once('close', r));
    const decoder = new TextDecoder('utf-8');
    group.stdout.on('data', (chunk: Buffer) => {
      this.output.push(chunk);
      stdoutLines.push(decoder.decode(chunk, { stream: true }));
    });
    group.stderr.on('data', (chunk: Buffer) => this.output.push(chunk));
    const timeoutSec = this.job.execution?.run_timeout_sec;
    if (timeoutSec !== undefined && timeoutSec > 0) this.timeoutTimer = setLongTimeout(() => this.kill('timeout'), timeoutSec * 1000);

    const exit = await group.exited;
    const exitedAt = performance.timeOrigin + performance.now();
    // The leader is gone; anything it left in its group goes too.
    group.signal('SIGKILL');
    // Pipes held by nothing now; wait briefly for their last bytes.
    await Promise.race([Promise.all([stdoutDone, stderrDone]), new Promise((r) => setTimeout(r, 500))]);
    stdoutLines.end();
    // SIGTERM from outside (a plain `scancel` signals every process of a Slurm job) reaches the script
    // and its agent together: give the agent's own signal a moment to call the run preempted, not failed.
    if (!this.reason && exit.signal === 'SIGTERM') await new Promise((r) => setTimeout(r, 500));
    // Killed by the sentinel at the lease deadline (the agent may have been frozen meanwhile), or the sentinel that started it died.
    if (c.lease.lost && exit.code !== 0) this.reason ??= 'lost';
    if (exit.lost) {
      this.s.log.warn(`${this.label}: ${exit.lost}: its script was killed`);
      this.reason ??= 'lost';
    }
    c.lease.detach();
    return { ...exitOutcome(this.reason, exit, timeoutSec), exitedAt };
  }

  /** A line of the script's stdout: a metric line (prefixed, or Katib's `name=value` when asked for) or plain output. */
  private stdoutLine(line: string, c: Channels): void {
    let record: MetricRecord | undefined;
    if (line.startsWith(STDOUT_PREFIX)) {
      const parsed = parseMetricJson(line.slice(STDOUT_PREFIX.length));
      if (parsed.ok) record = parsed.record;
      else this.warn(`skipped stdout metric line (${parsed.problem}): ${line.slice(0, 80)}`);
    } else if (this.job.execution?.stdout_metrics) {
      record = parseKatibLine(line);
    }
    if (!record) return;
    c.fileTail.catchUp(); // rows the script wrote to its metrics file before this line come first
    c.metrics.push(record);
  }

  private async wrapUp(result: AttemptResult, c: Channels): Promise<AttemptResult> {
    c.fileTail.stop();
    await c.metrics.flush();
    if (this.skipped > MAX_WARNINGS) this.s.log.warn(`${this.label}: ${this.skipped} metric lines skipped in all`);
    const summary = Object.keys(c.metrics.summary).length > 0 ? c.metrics.summary : undefined;
    // The attempt's files go first: once the finished event is out, nothing of the attempt is left.
    removeAttemptFiles(c.files);
    // One round trip: the SET and the finished event are pipelined on the same connection.
    // The lease is renewed until the finished event is written, so a script that exited 0 is never taken for lost meanwhile.
    await Promise.all([c.output.publish().catch(() => undefined), this.finish({ ...result, summary })]);
    c.lease.stop();
    this.s.log.info(`${this.label}: ${result.outcome}${result.message ? ` (${result.message})` : ''}, ${c.metrics.count} metric row(s)`);
    return result;
  }

  /** The finished event and lease release, retried while Redis is briefly away. */
  private async finish(result: AttemptResult & { summary?: Record<string, number> }): Promise<void> {
    const event = { outcome: result.outcome, exitCode: result.exitCode, signal: result.signal, outputTail: this.output.text(), at: Date.now(), ...(result.summary ? { summary: result.summary } : {}), ...(result.message ? { message: result.message } : {}) };
    for (let i = 0; ; i++) {
      try {
        await finishAttempt(this.s.redis, this.holder, event);
        // Lost in a failover, the finished event would leave the run to be taken for lost and run again.
        if (!(await this.replicated('finished event'))) throw new Error('not replicated');
        return;
      } catch (err) {
        if (i >= 9) {
          this.s.log.error(`${this.label}: finished event not sent: ${(err as Error).message}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}
