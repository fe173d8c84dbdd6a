/**
 * What the leader of one sweep does (design.md, "Data flow"), one job per file:
 * event-intake (consume the run events durably), stop-delivery (early termination, the sweep's
 * end), lease-watch (lost agents), proposing (late proposals), score-keeping (scores, target),
 * state-repair (what a dead leader left half done). This class only sequences them around the
 * pure core; every state change goes through the store (src/store/leader-store.ts), so a leader
 * that dies at any point leaves nothing half done that its successor cannot finish.
 */
import type { RedisClient } from '../store/redis-client.js';
import { HypersweepError } from '../errors.js';
import type { RunQueues } from '../queue/run-queue.js';
import type { AgentInfo } from '../store/agent-store.js';
import { LeaderStore } from '../store/leader-store.js';
import type { ControllerMetrics } from './controller-metrics.js';
import { consumeEvents } from './event-intake.js';
import { watchLeases } from './lease-watch.js';
import type { LeaderOptions, LeaderState } from './leader-state.js';
import { propose } from './proposing.js';
import { objectivesOf } from '../metrics/objectives.js';
import { RunCache } from './run-cache.js';
import { repairPendingJobs, repairScores } from './state-repair.js';
import { enforceSweepState } from './stop-delivery.js';

export type { LeaderOptions } from './leader-state.js';

export class SweepLeader {
  private s: LeaderState | undefined;
  private readonly store: LeaderStore;

  constructor(
    readonly sweepId: string,
    redis: RedisClient,
    private readonly queues: RunQueues,
    private readonly metrics: ControllerMetrics,
    private readonly options: LeaderOptions,
  ) {
    this.store = new LeaderStore(redis, sweepId, options.leaderId);
  }

  private get state(): LeaderState {
    if (!this.s) throw new HypersweepError('INTERNAL', `sweep ${this.sweepId}: the leader was used before init()`);
    return this.s;
  }

  /** Become the leader: load the sweep and its runs, repair what the last leader left, make sure every pending attempt has a job. */
  async init(): Promise<void> {
    const sweep = await this.store.readSweep();
    await this.store.ensureEventGroup();
    this.s = {
      sweepId: this.sweepId,
      store: this.store,
      queues: this.queues,
      metrics: this.metrics,
      options: this.options,
      ...sweep,
      cache: await RunCache.load(this.store, objectivesOf(sweep.config).map((m) => m.name)),
      prior: await this.store.loadPriorRuns(sweep.priorSweeps, sweep.config.parameters),
      backlogDone: false,
      lastLeaseCheck: 0,
      lastRepair: performance.now(),
      queuePaused: undefined,
      leaseGone: new Map(),
      reload: false,
      exhausted: undefined,
    };
    await repairScores(this.s);
    await repairPendingJobs(this.s);
  }

  /** One round: events, sweep state, leases, proposals. Returns true when there may be more work now. */
  async tick(agents: readonly AgentInfo[]): Promise<boolean> {
    const s = this.state;
    const now = await this.store.readStateAndVersion();
    s.state = now?.state ?? s.state;
    if (now && now.version !== s.version) {
      // `hypersweep update`: the new config applies to every proposal and stop decision from now on
      const sweep = await this.store.readSweep();
      s.config = sweep.config;
      s.total = sweep.total;
      s.version = sweep.version;
      s.prior = await this.store.loadPriorRuns(sweep.priorSweeps, sweep.config.parameters);
      s.exhausted = undefined;
    }
    if (s.reload) {
      s.reload = false;
      s.cache = await RunCache.load(this.store, objectivesOf(s.config).map((m) => m.name));
    }
    const leaseCheckDue = Date.now() - s.lastLeaseCheck >= s.options.leaseCheckMs;
    // Entries read but never acknowledged by a leader that was deposed (or died) meanwhile: read them again.
    if (leaseCheckDue) s.backlogDone = false;
    const busy = await consumeEvents(s, 20);
    await enforceSweepState(s);
    if (leaseCheckDue) await watchLeases(s);
    // A pending run without a job (agent killed between taking the job and claiming, a job lost with Redis, an enqueue that failed).
    if (performance.now() - s.lastRepair >= (s.options.repairEveryMs ?? 5000)) {
      s.lastRepair = performance.now();
      await repairPendingJobs(s);
    }
    if (s.state === 'running') await propose(s, agents);
    return busy;
  }

  /** Redis may have lost recent writes (restart, failover): reload the runs, re-read unacknowledged events, repair jobs at the next tick. */
  resync(): void {
    if (!this.s) return;
    this.s.reload = true;
    this.s.backlogDone = false;
    this.s.lastRepair = -Infinity;
  }

  /** Finished or canceled with nothing pending or running: the leader can let go. */
  get settled(): boolean {
    const s = this.state;
    return (s.state === 'finished' || s.state === 'canceled') && s.cache.count('pending') === 0 && s.cache.count('running') === 0;
  }

  /** Read and apply up to `maxBatches` batches of events (event-intake.ts). True when there may be more. */
  async consumeEvents(maxBatches: number): Promise<boolean> {
    return await consumeEvents(this.state, maxBatches);
  }

  /** Check the running runs' leases now (lease-watch.ts). */
  async watchLeases(): Promise<void> {
    await watchLeases(this.state);
  }
}
