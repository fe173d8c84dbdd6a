/**
 * One attempt of one run on one slot, from claim to finished event (src/store/attempt-lease.ts):
 * claim the lease, build the argv, start the script in its own process group, keep the lease
 * from the agent's event loop, stream metrics and output, stop it when told, report how it
 * ended, remove its files. Nothing the script does can block the lease.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Redis } from 'ioredis';
import type { RunJob } from '../src/queue/run-job.js';
import type { HistoryRow } from '../src/run-record.js';
import { claimAttempt, finishAttempt, publishRunOutput, reportEvent, type ClaimResult, type LeaseHolder } from '../src/store/attempt-lease.js';
import { packageRoot } from '../src/package-root.js';
import type { AttemptOutcome } from '../src/store/run-events.js';
import type { AgentLog } from './agent-log.js';
import { CommandError, expandCommand } from './command-macros.js';
import { LineSplitter, parseKatibLine, parseMetricJson, STDOUT_PREFIX, type MetricRecord } from './metric-lines.js';
import { monotonicMs } from './lease-deadline.js';
import { LeaseKeeper } from './lease-keeper.js';
import { MetricStream } from './metric-stream.js';
import { MetricsFileTail } from './metrics-file-tail.js';
import type { OrphanReaper } from './orphan-reaper.js';
import { OutputTail } from './output-tail.js';
import type { Slot } from './gpu-slots.js';
import { spawnGroup, type GroupExit, type ProcessGroup } from './process-group.js';
import { addWandbEnv } from './wandb-env.js';

/** Why the agent ended a script; the first reason wins, except that `cancel`/`lost` escalate. */
export type KillReason = 'stop' | 'cancel' | 'preempt' | 'timeout' | 'lost';

const OUTCOME_OF: Record<KillReason, AttemptOutcome> = { stop: 'stopped', cancel: 'canceled', preempt: 'preempted', timeout: 'timeout', lost: 'lost' };

export interface AttemptSettings {
  redis: Redis;
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
  reaper?: OrphanReaper;
  /** How often the output tail is published (publishRunOutput). @defaultValue 2000 */
  outputEveryMs?: number;
  /** Metrics batching window. @defaultValue 150 */
  metricsBatchMs?: number;
}

export interface AttemptResult {
  outcome: AttemptOutcome;
  exitCode: number | null;
  signal: string | null;
  message?: string;
  /** Ms from entering run() to the child's spawn (benchmarks). */
  startLatencyMs?: number;
  /** Wall-clock ms (sub-ms precision) at which the agent saw the child exit (benchmarks). */
  exitedAt?: number;
}

/** `r3f…` → a file-name-safe fragment. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'x';
}

const MAX_WARNINGS = 5;

class NotStarted extends Error {
  constructor(readonly reason: KillReason) {
    super(reason);
  }
}

export class RunAttempt {
  readonly holder: LeaseHolder;
  private reason: KillReason | undefined;
  private group: ProcessGroup | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly output = new OutputTail();
  private warnings = 0;
  private skipped = 0;
  /** Set when the script has been started; for tests and `busy`. */
  childPid: number | undefined;
  /** Renewed until the finished event is written, so a script that exited 0 is never taken for lost meanwhile. */
  private lease: LeaseKeeper | undefined;

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
    const { redis } = this.s;
    // The attempt's files are prepared while the claim is in flight (removed if it is refused).
    const prepared = (async () => {
      const dir = await mkdtemp(join(tmpdir(), `hypersweep-${safeName(this.job.runId)}-${this.job.attempt}-`));
      await Promise.all([writeFile(join(dir, 'params.json'), JSON.stringify(this.job.config)), writeFile(join(dir, 'metrics.jsonl'), '')]);
      return dir;
    })();
    const claimSentAt = monotonicMs();
    const [claim, dir] = await Promise.all([claimAttempt(redis, this.holder, this.s.leaseMs, { host: this.s.host, pid: process.pid, at: Date.now() }), prepared]);
    if (claim !== 'ok') {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      return claim;
    }
    const paramsFile = join(dir, 'params.json');
    const metricsFile = join(dir, 'metrics.jsonl');

    const metrics = new MetricStream({
      batchMs: this.s.metricsBatchMs,
      send: (seq, rows: HistoryRow[]) => reportEvent(redis, this.job.sweepId, { type: 'metrics', runId: this.job.runId, attempt: this.job.attempt, token: this.job.token, seq, rows }),
      onError: (err) => this.s.log.warn(`${this.label}: metrics not sent: ${(err as Error).message}`),
    });
    const take = (record: MetricRecord) => metrics.push(record);

    // Lease: renewed from our own event loop, its deadline also held by the sentinel; a stop request rides on the answer.
    const lease = new LeaseKeeper({
      redis,
      holder: this.holder,
      leaseMs: this.s.leaseMs,
      claimSentAt,
      reaper: this.s.reaper,
      onLost: () => this.kill('lost'),
      onStop: (kind) => this.kill(kind),
      warn: (message) => this.s.log.warn(`${this.label}: ${message}`),
    });
    lease.start();
    this.lease = lease;

    let published = 0;
    const publishOutput = async () => {
      if (this.output.version === published) return;
      published = this.output.version;
      await publishRunOutput(redis, this.job.runId, this.output.text());
    };
    const outputTimer = setInterval(() => publishOutput().catch(() => undefined), this.s.outputEveryMs ?? 2000);

    const fileTail = new MetricsFileTail(metricsFile, (line) => {
      if (line.trim() === '') return;
      const parsed = parseMetricJson(line);
      if (parsed.ok) take(parsed.record);
      else this.warn(`skipped metrics file line (${parsed.problem}): ${line.slice(0, 80)}`);
    });

    let result: AttemptResult;
    let timeoutTimer: NodeJS.Timeout | undefined;
    try {
      let argv: string[];
      try {
        argv = expandCommand(this.job.command, { config: this.job.config, program: this.job.program, interpreter: this.s.interpreter, paramsFile, env: this.s.env, numGpus: this.slot.gpus?.length ?? 0 });
      } catch (err) {
        if (err instanceof CommandError) throw err;
        throw new CommandError(`cannot build the command: ${(err as Error).message}`);
      }
      if (this.reason) throw new NotStarted(this.reason);
      const env: NodeJS.ProcessEnv = {
        ...this.s.env,
        ...this.slot.env,
        PYTHONUNBUFFERED: this.s.env.PYTHONUNBUFFERED ?? '1',
        // `import hypersweep` works in any script, wherever hypersweep is installed.
        PYTHONPATH: [join(packageRoot, 'python'), this.s.env.PYTHONPATH].filter(Boolean).join(delimiter),
        HYPERSWEEP_SWEEP_ID: this.job.sweepId,
        HYPERSWEEP_RUN_ID: this.job.runId,
        HYPERSWEEP_ATTEMPT: String(this.job.attempt),
        HYPERSWEEP_PARAMS_FILE: paramsFile,
        HYPERSWEEP_METRICS_FILE: metricsFile,
      };
      await addWandbEnv(env, { job: this.job, dir, interpreter: this.s.interpreter, cwd: this.s.cwd });
      fileTail.start();
      try {
        this.group = await spawnGroup(argv, { cwd: this.s.cwd, env });
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        throw new CommandError(`cannot start ${JSON.stringify(argv[0])}: ${e.code ?? e.message}${e.code === 'ENOENT' ? ' (not found on PATH)' : ''}`);
      }
      const startLatencyMs = performance.now() - t0;
      const group = this.group;
      this.childPid = group.pid;
      lease.attach(group.pid);
      this.s.log.info(`${this.label}: started pid ${group.pid}: ${argv.join(' ').slice(0, 200)}`);
      const early = this.reason;
      if (early) {
        this.reason = undefined;
        this.kill(early);
      }

      const stdoutLines = new LineSplitter((line) => {
        if (line.startsWith(STDOUT_PREFIX)) {
          const parsed = parseMetricJson(line.slice(STDOUT_PREFIX.length));
          if (parsed.ok) take(parsed.record);
          else this.warn(`skipped stdout metric line (${parsed.problem}): ${line.slice(0, 80)}`);
        } else if (this.job.execution?.stdout_metrics) {
          const record = parseKatibLine(line);
          if (record) take(record);
        }
      });
      const stdoutDone = new Promise<void>((r) => group.stdout.once('close', r));
      const stderrDone = new Promise<void>((r) => group.stderr.once('close', r));
      const decoder = new TextDecoder('utf-8');
      group.stdout.on('data', (chunk: Buffer) => {
        this.output.push(chunk);
        stdoutLines.push(decoder.decode(chunk, { stream: true }));
      });
      group.stderr.on('data', (chunk: Buffer) => this.output.push(chunk));

      const timeoutSec = this.job.execution?.run_timeout_sec;
      if (timeoutSec !== undefined && timeoutSec > 0) timeoutTimer = setTimeout(() => this.kill('timeout'), timeoutSec * 1000);

      const exit: GroupExit = await group.exited;
      const exitedAt = performance.timeOrigin + performance.now();
      // The leader is gone; anything it left in its group goes too.
      group.signal('SIGKILL');
      // Pipes held by nothing now; wait briefly for their last bytes.
      await Promise.race([Promise.all([stdoutDone, stderrDone]), new Promise((r) => setTimeout(r, 500))]);
      stdoutLines.end();
      // Killed by the sentinel at the lease deadline (the agent may have been frozen meanwhile).
      if (lease.lost && exit.code !== 0) this.reason ??= 'lost';
      lease.detach();

      const outcome: AttemptOutcome = this.reason ? OUTCOME_OF[this.reason] : exit.code === 0 ? 'finished' : 'failed';
      const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
      const why = { timeout: `timed out after ${timeoutSec} s`, lost: 'lease lost', stop: 'stopped', cancel: 'canceled', preempt: 'preempted' };
      const message = this.reason ? `${why[this.reason]}; ${how}` : exit.code === 0 ? undefined : how;
      result = { outcome, exitCode: exit.code, signal: exit.signal, message, startLatencyMs, exitedAt };
    } catch (err) {
      if (err instanceof NotStarted) {
        result = { outcome: OUTCOME_OF[err.reason], exitCode: null, signal: null, message: `not started: ${err.reason} requested first` };
        return await this.wrapUp(result, dir, fileTail, metrics, publishOutput);
      }
      if (!(err instanceof CommandError)) {
        lease.stop();
        throw err;
      }
      this.s.log.error(`${this.label}: ${err.message}`);
      this.output.push(`hypersweep: ${err.message}\n`);
      result = { outcome: 'error', exitCode: null, signal: null, message: err.message };
    } finally {
      clearInterval(outputTimer);
      if (timeoutTimer) clearTimeout(timeoutTimer);
      if (this.killTimer) clearTimeout(this.killTimer);
    }

    return await this.wrapUp(result, dir, fileTail, metrics, publishOutput);
  }

  private async wrapUp(result: AttemptResult, dir: string, fileTail: MetricsFileTail, metrics: MetricStream, publishOutput: () => Promise<void>): Promise<AttemptResult> {
    await fileTail.stop();
    await metrics.flush();
    if (this.skipped > MAX_WARNINGS) this.s.log.warn(`${this.label}: ${this.skipped} metric lines skipped in all`);
    const summary = Object.keys(metrics.summary).length > 0 ? metrics.summary : undefined;
    // The attempt's files go first: once the finished event is out, nothing of the attempt is left.
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    // One round trip: the SET and the finished event are pipelined on the same connection.
    await Promise.all([publishOutput().catch(() => undefined), this.finish({ ...result, summary })]);
    this.lease?.stop();
    this.s.log.info(`${this.label}: ${result.outcome}${result.message ? ` (${result.message})` : ''}, ${metrics.count} metric row(s)`);
    return result;
  }

  /** The finished event and lease release, retried while Redis is briefly away. */
  private async finish(result: AttemptResult & { summary?: Record<string, number> }): Promise<void> {
    const event = { outcome: result.outcome, exitCode: result.exitCode, signal: result.signal, outputTail: this.output.text(), at: Date.now(), ...(result.summary ? { summary: result.summary } : {}), ...(result.message ? { message: result.message } : {}) };
    for (let i = 0; ; i++) {
      try {
        await finishAttempt(this.s.redis, this.holder, event);
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
