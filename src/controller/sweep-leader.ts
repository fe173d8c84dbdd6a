/**
 * What the leader of one sweep does (design.md, "Data flow"): consume the run events durably,
 * stop hopeless runs, watch leases, propose late, and move the sweep through its states. It is a
 * thin loop around the pure core (nextRuns, stopRuns, runScore); every state change goes through
 * the store's fenced Lua scripts, so a leader that dies at any point leaves nothing half done
 * that its successor cannot finish.
 */
import type { ChainableCommander, Redis } from 'ioredis';
import type { ServerMetrics } from '../api/server-metrics.js';
import type { SweepConfig } from '../config/types.js';
import { HypersweepError } from '../errors.js';
import { isBetter, runScore } from '../metrics/run-score.js';
import type { RunQueues } from '../queue/run-queue.js';
import { runJobId, type RunJob } from '../queue/run-job.js';
import { nextRuns } from '../search/next-runs.js';
import { stopRuns } from '../stopping/stop-runs.js';
import { idleSlots, type AgentInfo } from '../store/agent-store.js';
import { applyRunEvents, type ApplyResult } from '../store/apply-run-event.js';
import { keys } from '../store/keys.js';
import { decodeRunEvent, type RunEvent } from '../store/run-events.js';
import { cancelPendingRun, crashRun, createRuns, queueRunScores, requestRunStop, writeRunScores } from '../store/run-store.js';
import { signalAgent, wakeSweep } from '../store/sweep-signals.js';
import { defineScripts, queueScript, runKeys } from '../store/store-scripts.js';
import { setSweepState, type SweepState } from '../store/sweep-store.js';
import { RunCache, type CachedRun } from './run-cache.js';
import { execPipeline } from '../store/exec-pipeline.js';

/** The consumer group of every sweep's event stream, and its one consumer (the leader of the day). */
export const EVENTS_GROUP = 'controller';
export const EVENTS_CONSUMER = 'leader';

export interface LeaderOptions {
  /** Events read per XREADGROUP. @defaultValue 1000 */
  eventBatch: number;
  /** How often running runs' leases are checked. @defaultValue 1000 */
  leaseCheckMs: number;
  /** An agent is live when seen within this. @defaultValue 15000 */
  agentLiveMs: number;
  /**
   * A running run is re-queued only once its lease has been gone from Redis this long (by this
   * process's monotonic clock), so the lost agent's sentinel has surely killed the script (its
   * deadline comes a fifth of the lease before Redis expires it). @defaultValue 2000
   */
  requeueMarginMs?: number;
  log: (message: string) => void;
}

type StreamReply = Array<[string, Array<[string, string[] | null]>]> | null;

export class SweepLeader {
  private cache!: RunCache;
  private config!: SweepConfig;
  private seed = 0;
  private total: number | undefined;
  private state: SweepState = 'running';
  private backlogDone = false;
  private lastLeaseCheck = 0;
  /** Running runs whose lease was seen gone: run id → (token, when first seen gone, performance.now()). */
  private readonly leaseGone = new Map<string, { token: string; since: number }>();
  /** The cache missed a change made by someone else: rebuild it from Redis. */
  private reload = false;
  /** The budget is used up (cap reached or the space exhausted): no more proposals. */
  private exhausted: string | undefined;

  constructor(
    readonly sweepId: string,
    private readonly redis: Redis,
    private readonly queues: RunQueues,
    private readonly metrics: ServerMetrics,
    private readonly options: LeaderOptions,
  ) {}

  /** Become the leader: load the sweep and its runs, make sure every pending attempt has a job. */
  async init(): Promise<void> {
    defineScripts(this.redis);
    const h = await this.redis.hgetall(keys.sweep(this.sweepId));
    this.config = JSON.parse(h.configJson!) as SweepConfig;
    this.seed = Number(h.seed);
    this.total = h.total ? Number(h.total) : undefined;
    this.state = h.state as SweepState;
    try {
      await this.redis.xgroup('CREATE', keys.sweepEvents(this.sweepId), EVENTS_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).includes('BUSYGROUP')) throw err;
    }
    this.cache = await RunCache.load(this.redis, this.sweepId, this.config.metric?.name);
    // Scores a dead leader computed but did not write.
    const fixes: Array<{ runId: string; score: number | null }> = [];
    for (const entry of this.cache.values()) {
      const score = this.scoreOf(entry);
      if (score !== entry.score) fixes.push({ runId: entry.record.id, score });
      entry.score = score;
    }
    await writeRunScores(this.redis, this.sweepId, fixes);
    if (this.total !== undefined && this.cache.size >= this.total) this.exhausted = this.exhaustedReason('cap');
    // Pending attempts whose job is missing (the last leader died between create and enqueue) or
    // ended without starting. A job ends only after its agent appended the attempt's events, so
    // the job states are read first, the events drained second: an attempt still pending after
    // that never ran, and giving it a job again cannot run it twice.
    const pending = [...this.cache.values()].filter((e) => e.record.state === 'pending');
    const statuses = await this.queues.jobStatuses(
      this.sweepId,
      pending.map((e) => ({ runId: e.record.id, attempt: e.attempt })),
    );
    const suspects = pending.flatMap((entry, i) => (statuses[i] === 'live' ? [] : [{ entry, token: entry.token, status: statuses[i] }]));
    while (await this.consumeEvents(50));
    if (this.state !== 'running' && this.state !== 'paused') return;
    const missing: RunJob[] = [];
    for (const { entry, token, status } of suspects) {
      if (entry.record.state !== 'pending' || entry.token !== token) continue;
      if (status === 'missing') missing.push(this.jobOf(entry));
      else await this.queues.replaceJob(this.sweepId, this.jobOf(entry));
    }
    for (let i = 0; i < missing.length; i += 1000) await this.queues.enqueue(this.sweepId, missing.slice(i, i + 1000));
  }

  /** One round: events, sweep state, leases, proposals. Returns true when there may be more work now. */
  async tick(agents: readonly AgentInfo[]): Promise<boolean> {
    this.state = ((await this.redis.hget(keys.sweep(this.sweepId), 'state')) ?? this.state) as SweepState;
    if (this.reload) {
      this.reload = false;
      this.cache = await RunCache.load(this.redis, this.sweepId, this.config.metric?.name);
    }
    const busy = await this.consumeEvents(20);
    await this.enforceState();
    if (Date.now() - this.lastLeaseCheck >= this.options.leaseCheckMs) await this.watchLeases();
    if (this.state === 'running') await this.propose(agents);
    return busy;
  }

  /** Finished or canceled with nothing pending or running: the leader can let go. */
  get settled(): boolean {
    return (this.state === 'finished' || this.state === 'canceled') && this.cache.count('pending') === 0 && this.cache.count('running') === 0;
  }

  private scoreOf(entry: CachedRun): number | null {
    const metric = this.config.metric;
    if (!metric) return null;
    return runScore(entry.record, metric) ?? null;
  }

  /** The cached run queued again as `attempt` with a new token (the store already did it in Redis); its job. */
  private requeued(entry: CachedRun, attempt: number, token: string): RunJob {
    this.cache.setState(entry, 'pending');
    entry.attempt = attempt;
    entry.token = token;
    entry.record.history = [];
    delete entry.record.summary;
    entry.stop = undefined;
    entry.agentId = undefined;
    return this.jobOf(entry);
  }

  private jobOf(entry: CachedRun): RunJob {
    const c = this.config;
    return {
      sweepId: this.sweepId,
      runId: entry.record.id,
      attempt: entry.attempt,
      token: entry.token,
      config: entry.record.config,
      ...(c.command ? { command: c.command } : {}),
      ...(c.program ? { program: c.program } : {}),
      ...(c.metric ? { metricName: c.metric.name } : {}),
      execution: c.execution,
    };
  }

  /**
   * Read and apply events through the consumer group: first this consumer's pending entries
   * (delivered to a leader that died before XACK), then new ones. Applying is idempotent, so an
   * entry applied but not acknowledged is skipped as a duplicate. Returns true when a batch was full.
   */
  async consumeEvents(maxBatches: number): Promise<boolean> {
    const stream = keys.sweepEvents(this.sweepId);
    for (let i = 0; i < maxBatches; i++) {
      const reply = (await this.redis.xreadgroup(
        'GROUP',
        EVENTS_GROUP,
        EVENTS_CONSUMER,
        'COUNT',
        this.options.eventBatch,
        'STREAMS',
        stream,
        this.backlogDone ? '>' : '0',
      )) as StreamReply;
      const entries = reply?.[0]?.[1] ?? [];
      if (entries.length === 0) {
        if (this.backlogDone) return false;
        this.backlogDone = true;
        continue;
      }
      const ids: string[] = [];
      const events: RunEvent[] = [];
      for (const [id, fields] of entries) {
        ids.push(id);
        const event = fields ? decodeRunEvent(fields) : undefined;
        if (event) events.push(event);
        else if (fields) this.options.log(`sweep ${this.sweepId}: skipped a malformed event ${id}`);
      }
      await this.applyBatch(events, ids);
      if (entries.length < this.options.eventBatch && this.backlogDone) return false;
    }
    return true;
  }

  /** Apply a batch, then (in one round trip) write the scores, acknowledge the entries and trim the stream. */
  private async applyBatch(events: readonly RunEvent[], ids: readonly string[]): Promise<void> {
    const execution = this.config.execution;
    const results = events.length === 0 ? [] : await applyRunEvents(this.redis, this.sweepId, events, {
      maxAttempts: execution.max_attempts,
      retryFailed: execution.retry_failed,
      allowRequeue: this.state === 'running' || this.state === 'paused',
    });
    const touched = new Set<CachedRun>();
    const jobs: RunJob[] = [];
    let metricsApplied = false;
    results.forEach((result, i) => {
      const event = events[i]!;
      this.count(result);
      if (result.status !== 'applied' && result.status !== 'requeued') return;
      const entry = this.cache.get(event.runId);
      if (!entry || entry.token !== event.token) {
        // Redis applied what this cache did not expect (another controller wrote while this one
        // was cut off): Redis is the truth, so the cache is rebuilt on the next round.
        this.options.log(`sweep ${this.sweepId}: run ${event.runId} not as cached; reloading the runs`);
        this.reload = true;
        return;
      }
      touched.add(entry);
      if (result.status === 'requeued') {
        jobs.push(this.requeued(entry, result.attempt, result.token));
        return;
      }
      switch (event.type) {
        case 'started':
          this.cache.setState(entry, 'running');
          entry.agentId = event.agentId;
          break;
        case 'metrics':
          metricsApplied = true;
          for (const row of this.cache.project(event.rows)) entry.record.history.push(row);
          break;
        case 'finished':
          this.cache.setState(entry, result.state);
          if (event.summary) entry.record.summary = event.summary;
          break;
      }
    });
    const stream = keys.sweepEvents(this.sweepId);
    const after = this.redis.pipeline().xack(stream, EVENTS_GROUP, ...ids);
    // Everything up to the last id is applied and acknowledged: the stream need not keep it.
    if (this.backlogDone) after.xtrim(stream, 'MINID', '~', ids[ids.length - 1]!);
    await this.rescore(touched, after);
    await this.queues.enqueue(this.sweepId, jobs);
    if (metricsApplied) await this.checkStops();
  }

  private count(result: ApplyResult): void {
    if (result.status === 'applied' || result.status === 'requeued') this.metrics.eventsApplied++;
    else if (result.status === 'stale') this.metrics.staleReportsRefused++;
    else if (result.status === 'duplicate') this.metrics.duplicateEventsSkipped++;
  }

  /** Write changed scores (on `pipeline` when given, sent here); finish the sweep when a score reaches metric.target. */
  private async rescore(entries: Iterable<CachedRun>, pipeline?: ChainableCommander): Promise<void> {
    const changes: Array<{ runId: string; score: number | null }> = [];
    const metric = this.config.metric;
    let reached: CachedRun | undefined;
    for (const entry of entries) {
      const score = this.scoreOf(entry);
      if (score !== entry.score) {
        entry.score = score;
        changes.push({ runId: entry.record.id, score });
      }
      if (metric?.target !== undefined && score !== null && !isBetter(metric.target, score, metric.goal)) reached = entry;
    }
    const p = pipeline ?? this.redis.pipeline();
    queueRunScores(p, this.sweepId, changes);
    await execPipeline(p);
    if (reached && metric && (this.state === 'running' || this.state === 'paused')) {
      await this.finish(`metric.target reached: run ${reached.record.id} has ${metric.name} ${reached.score} (target ${metric.target})`);
    }
  }

  /** Early termination, evaluated on the runs as they are after each batch of metrics reports. */
  private async checkStops(): Promise<void> {
    if (!this.config.early_terminate || !this.config.metric) return;
    const decisions = stopRuns(this.config, this.cache.records).filter((d) => {
      const entry = this.cache.get(d.runId);
      return entry !== undefined && entry.record.state === 'running' && !entry.stop;
    });
    if (decisions.length === 0) return;
    const p = this.redis.pipeline();
    for (const d of decisions) queueScript(p, 'hsRequestStop', runKeys(this.sweepId, d.runId), [d.runId, 'stop', d.reason]);
    const replies = await execPipeline(p);
    const signals = this.redis.pipeline();
    decisions.forEach((d, i) => {
      const entry = this.cache.get(d.runId)!;
      entry.stop = 'stop';
      if (replies[i]?.[1] !== 'requested') return;
      this.metrics.runsStopped++;
      if (entry.agentId) signals.publish(keys.agentChannel(entry.agentId), JSON.stringify({ type: 'stop', runId: d.runId }));
    });
    await execPipeline(signals);
  }

  /** Finished (by stop or target) cancels what has not started; canceled also kills what runs. */
  private async enforceState(): Promise<void> {
    if (this.state !== 'finished' && this.state !== 'canceled') return;
    const jobIds: string[] = [];
    for (const entry of this.cache.values()) {
      if (entry.record.state === 'pending') {
        if (await cancelPendingRun(this.redis, this.sweepId, entry.record.id, `sweep ${this.state}`)) {
          this.cache.setState(entry, 'canceled');
          entry.stop = 'cancel';
          jobIds.push(runJobId(entry.record.id, entry.attempt));
        }
      } else if (this.state === 'canceled' && entry.record.state === 'running' && entry.stop !== 'cancel') {
        await requestRunStop(this.redis, this.sweepId, entry.record.id, 'cancel', 'sweep canceled');
        entry.stop = 'cancel';
        if (entry.agentId) await signalAgent(this.redis, entry.agentId, { type: 'cancel', runId: entry.record.id });
      }
    }
    await this.queues.removeJobs(this.sweepId, jobIds);
  }

  /**
   * A running run whose lease is gone has lost its agent. The agent releases its lease in the
   * same script that appends `finished`, so the events are drained after the lease check and
   * before a run is declared crashed: a run that ended normally is never taken for lost.
   */
  async watchLeases(): Promise<void> {
    this.lastLeaseCheck = Date.now();
    const running = [...this.cache.values()].filter((e) => e.record.state === 'running');
    if (running.length === 0) return;
    const p = this.redis.pipeline();
    for (const e of running) p.exists(keys.runLease(e.record.id));
    const replies = await execPipeline(p);
    // A lease seen gone counts only after the margin, measured from when it was first seen gone.
    const now = performance.now();
    const margin = this.options.requeueMarginMs ?? 2000;
    const lost: Array<{ entry: CachedRun; token: string }> = [];
    const gone = new Map<string, { token: string; since: number }>();
    running.forEach((e, i) => {
      if (replies[i]?.[1] !== 0) return;
      const seen = this.leaseGone.get(e.record.id);
      const since = seen && seen.token === e.token ? seen.since : now;
      gone.set(e.record.id, { token: e.token, since });
      if (now - since >= margin) lost.push({ entry: e, token: e.token });
    });
    this.leaseGone.clear();
    for (const [id, g] of gone) this.leaseGone.set(id, g);
    if (lost.length === 0) return;
    while (await this.consumeEvents(50));
    const jobs: RunJob[] = [];
    for (const { entry, token } of lost) {
      if (entry.record.state !== 'running' || entry.token !== token) continue;
      const result = await crashRun(this.redis, this.sweepId, entry.record.id, token, {
        maxAttempts: this.config.execution.max_attempts,
        allowRequeue: this.state === 'running' || this.state === 'paused',
      });
      if (result.result === 'skip') continue;
      this.metrics.runsCrashed++;
      this.options.log(`sweep ${this.sweepId}: run ${entry.record.id} attempt ${entry.attempt} lost its agent${result.result === 'requeued' ? `; queued as attempt ${result.attempt}` : ''}`);
      if (result.result === 'requeued') {
        jobs.push(this.requeued(entry, result.attempt, result.token));
      } else {
        this.cache.setState(entry, 'crashed');
      }
    }
    await this.rescore(lost.map((l) => l.entry));
    await this.queues.enqueue(this.sweepId, jobs);
  }

  private exhaustedReason(why: 'cap' | 'space'): string {
    if (why === 'space') return this.config.method === 'grid' ? `grid exhausted (${this.cache.size} runs)` : `search space exhausted (${this.cache.size} runs)`;
    if (this.config.method === 'grid' && (this.config.run_cap === undefined || this.config.run_cap >= (this.total ?? 0))) return `grid exhausted (${this.cache.size} runs)`;
    return `run_cap reached (${this.cache.size} runs)`;
  }

  /**
   * Late proposals: keep about as many jobs waiting as the sweep's live agents have idle slots,
   * so a model-based search sees every result before it proposes. Once the budget is used up and
   * nothing is pending or running, the sweep is finished.
   */
  private async propose(agents: readonly AgentInfo[]): Promise<void> {
    if (this.exhausted) {
      if (this.cache.count('pending') === 0 && this.cache.count('running') === 0) await this.finish(this.exhausted);
      return;
    }
    const idle = idleSlots(agents, this.sweepId, Date.now(), this.options.agentLiveMs);
    if (idle <= 0) return;
    const want = idle - (await this.queues.waitingCount(this.sweepId));
    if (want <= 0) return;
    const started = performance.now();
    const count = this.total === undefined ? want : Math.min(want, Math.max(0, this.total - this.cache.size));
    const outcome = count > 0 ? nextRuns(this.config, this.cache.records, { count, seed: this.seed }) : undefined;
    const proposals = outcome?.proposals ?? [];
    const results = await createRuns(
      this.redis,
      proposals.map((p) => ({ sweepId: this.sweepId, config: p.config, reason: p.reason, ...(this.total !== undefined ? { cap: this.total } : {}) })),
    );
    const jobs: RunJob[] = [];
    results.forEach((r, i) => {
      if (r.result === 'created') {
        jobs.push(this.jobOf(this.cache.add(r.runId, proposals[i]!.config, r.token)));
        this.metrics.runsProposed++;
      } else if (r.result === 'capped') {
        this.exhausted = this.exhaustedReason('cap');
      }
    });
    await this.queues.enqueue(this.sweepId, jobs);
    this.metrics.observeProposalLatency(performance.now() - started);
    if (this.total !== undefined && this.cache.size >= this.total) this.exhausted = this.exhaustedReason('cap');
    else if (outcome?.kind === 'exhausted') this.exhausted = this.exhaustedReason('space'); // on `wait`, ask again next tick
  }

  private async finish(reason: string): Promise<void> {
    try {
      await setSweepState(this.redis, this.sweepId, 'finished', { from: ['running', 'paused'], reason });
      this.state = 'finished';
      this.options.log(`sweep ${this.sweepId}: finished: ${reason}`);
      await wakeSweep(this.redis, this.sweepId);
      await this.enforceState();
    } catch (err) {
      if (!(err instanceof HypersweepError && err.code === 'CONFLICT')) throw err;
    }
  }
}
