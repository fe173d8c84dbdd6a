/**
 * What the leader of one sweep holds between rounds, shared by the files that do its jobs
 * (event-intake, state-repair, stop-delivery, lease-watch, proposing, score-keeping). Redis is
 * the truth; this is the leader's working copy and its handles.
 */
import type { SweepConfig } from '../config/types.js';
import type { RunQueues } from '../queue/run-queue.js';
import type { RunJob } from '../queue/run-job.js';
import { floatPaths } from '../space/float-paths.js';
import type { LeaderStore } from '../store/leader-store.js';
import type { AgentInfo } from '../store/agent-store.js';
import type { SweepState } from '../store/sweep-store.js';
import type { RunRecord } from '../run-record.js';
import type { ControllerMetrics } from './controller-metrics.js';
import type { CachedRun, RunCache } from './run-cache.js';

export interface LeaderOptions {
  /** Events read per XREADGROUP. @defaultValue 1000 */
  eventBatch: number;
  /** How often running runs' leases are checked. @defaultValue 1000 */
  leaseCheckMs: number;
  /**
   * A running run is re-queued only once its lease has been gone from Redis this long (by this
   * process's monotonic clock), so the lost agent's sentinel has surely killed the script (its
   * deadline comes a fifth of the lease before Redis expires it). @defaultValue 2000
   */
  requeueMarginMs?: number;
  /** The controller id in the leader lock: every write of the leader is fenced by it. Unset: unfenced (tests, benchmarks). */
  leaderId?: string;
  /** How often a running leader repairs pending runs without a job (state-repair.ts). @defaultValue 5000 */
  repairEveryMs?: number;
  log: (message: string) => void;
}

export interface LeaderState {
  readonly sweepId: string;
  readonly store: LeaderStore;
  readonly queues: RunQueues;
  readonly metrics: ControllerMetrics;
  readonly options: LeaderOptions;
  config: SweepConfig;
  seed: number;
  /** Grid size or run_cap; undefined when unbounded. */
  total: number | undefined;
  state: SweepState;
  cache: RunCache;
  /**
   * Result-aware search: the agents snapshot the queue was last sized against, and the jobs it
   * still allows (its idle slots, less what was waiting then and what was enqueued since). A
   * snapshot is reused for several rounds (src/controller/controller.ts): the jobs an agent took
   * meanwhile left the queue while the snapshot still counts their slots idle.
   */
  allowance?: { agents: readonly AgentInfo[]; left: number };
  /** Warm start: finished runs of earlier sweeps that lie in this sweep's space, observations for the search only. */
  prior: RunRecord[];
  /** The sweep file version `config` is (a higher one in Redis: the user edited the sweep). */
  version: number;
  /** The backlog of entries delivered to an earlier leader and never acknowledged has been read. */
  backlogDone: boolean;
  lastLeaseCheck: number;
  /** Whether this leader paused the sweep's queue (undefined: not synced yet). */
  queuePaused: boolean | undefined;
  /** When pending runs were last checked for a job (performance.now()). */
  lastRepair: number;
  /** Running runs whose lease was seen gone: run id → (token, when first seen gone, performance.now()). */
  readonly leaseGone: Map<string, { token: string; since: number }>;
  /** The cache missed a change made by someone else: rebuild it from Redis. */
  reload: boolean;
  /** The budget is used up (cap reached or the space exhausted): no more proposals. */
  exhausted: string | undefined;
}

/** Whether runs may still be queued again (the sweep has not ended). */
export function sweepActive(s: LeaderState): boolean {
  return s.state === 'running' || s.state === 'paused';
}

/** The job of a cached run's current attempt. */
export function jobOf(s: LeaderState, entry: CachedRun): RunJob {
  const c = s.config;
  return {
    sweepId: s.sweepId,
    runId: entry.record.id,
    attempt: entry.attempt,
    token: entry.token,
    config: entry.record.config,
    ...floatsOf(c, entry.record.config),
    ...(c.command ? { command: c.command } : {}),
    ...(c.program ? { program: c.program } : {}),
    ...(c.metric ? { metricName: c.metric.name } : {}),
    execution: c.execution,
  };
}

function floatsOf(c: LeaderState['config'], config: RunJob['config']): Pick<RunJob, 'floats'> {
  const floats = floatPaths(c, config);
  return floats.length > 0 ? { floats } : {};
}

/** The cached run queued again as `attempt` with a new token (the store already did it in Redis); its job. */
export function requeued(s: LeaderState, entry: CachedRun, attempt: number, token: string): RunJob {
  s.cache.setState(entry, 'pending');
  entry.attempt = attempt;
  entry.token = token;
  entry.record.history = [];
  delete entry.record.summary;
  entry.stop = undefined;
  entry.agentId = undefined;
  return jobOf(s, entry);
}
